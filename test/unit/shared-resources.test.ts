import { describe, expect, it } from 'vitest';
import { ACTION_HEADER } from '../../src/core/action-code.js';
import { ensureSharedResources } from '../../src/core/ensure-shared-resources.js';
import { applySync } from '../../src/core/sync-apply.js';
import { planSync } from '../../src/core/sync-plan.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { TenantsError } from '../../src/core/tenants-error.js';
import { FakePort } from '../helpers/fake-port.js';

const config = projectConfigSchema.parse({ domain: 'acme.eu.auth0.com', audience: 'https://api.example.com', claimNamespace: 'https://saas.example.com/' });
const deps = (port: FakePort) => ({ port, sleep: async () => undefined, now: () => port.calls.length * 1000, progress: () => undefined });
const options = { config, actionCode: `${ACTION_HEADER}\n */\nexports.onExecutePostLogin = async () => {};`, pollMs: 1, buildTimeoutMs: 20_000 };

describe('ensureSharedResources', () => {
  it('appends our binding after the others, keeping their order, and is a no-op the second time', async () => {
    const port = new FakePort();
    port.actions.push({ id: 'a1', name: 'first' }, { id: 'a2', name: 'second' });
    port.bindings = [
      { id: 'b1', display_name: 'first', action: { id: 'a1' } },
      { id: 'b2', display_name: 'second', action: { id: 'a2' } },
    ];
    await ensureSharedResources(deps(port), options);
    expect(port.bindings.map((b) => b.action?.id)).toEqual(['a1', 'a2', port.actions[2]!.id]);
    port.calls = [];
    const steps = await ensureSharedResources(deps(port), options);
    expect(steps.map((s) => s.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(port.calls.filter((c) => !/^(find|list|get)/.test(c))).toEqual([]);
  });

  it('waits for the build and only then deploys; stops on a failed build', async () => {
    const port = new FakePort();
    port.buildStatus = (_a, polls) => (polls < 3 ? 'building' : 'built');
    await ensureSharedResources(deps(port), options);
    const deployAt = port.calls.indexOf('deployAction');
    expect(port.calls.slice(0, deployAt).filter((c) => c === 'getAction').length).toBe(3);
    // Binding waits until the deployment is confirmed.
    expect(port.calls.lastIndexOf('getAction')).toBeGreaterThan(deployAt);
    expect(port.calls.indexOf('replaceBindings')).toBeGreaterThan(port.calls.lastIndexOf('getAction'));

    const failing = new FakePort();
    failing.buildStatus = () => 'failed';
    await expect(ensureSharedResources(deps(failing), options)).rejects.toMatchObject({ code: 'action_build_failed' });
    expect(failing.calls).not.toContain('deployAction');
  });

  it('retries a binding that fails right after the deploy', async () => {
    const port = new FakePort();
    let failures = 2;
    port.before = (m) => {
      if (m === 'replaceBindings' && failures-- > 0) throw new TenantsError('auth0', 'auth0_error', 'transient', { details: { retryable: true } });
    };
    const steps = await ensureSharedResources(deps(port), options);
    expect(steps[2]).toMatchObject({ resource: 'binding', action: 'create' });
    expect(port.bindings).toHaveLength(1);
  });

  it('redeploys when the deployed code is not the current one (edited in the dashboard, header kept)', async () => {
    const port = new FakePort();
    await ensureSharedResources(deps(port), options);
    const tampered = `${ACTION_HEADER}\n */\nexports.onExecutePostLogin = async () => { /* edited */ };`;
    port.actions[0]!.code = tampered;
    port.actions[0]!.deployed_version = { code: tampered };
    const steps = await ensureSharedResources(deps(port), options);
    expect(steps[1]).toMatchObject({ resource: 'action', action: 'update', changes: ['code'] });
    expect(port.actions[0]!.deployed_version?.code).toBe(options.actionCode);
  });
});

describe('ownership of the Action', () => {
  it("refuses, before any write, an Action of our name whose code is someone else's", async () => {
    const port = new FakePort();
    port.actions.push({
      id: 'theirs',
      name: config.actionName,
      code: 'exports.onExecutePostLogin = async () => {};',
      deployed_version: { code: 'x', deployed: true },
    });
    await expect(ensureSharedResources(deps(port), options)).rejects.toMatchObject({ code: 'action_not_ours', kind: 'usage' });
    expect(port.calls.filter((c) => !/^(find|list|get)/.test(c))).toEqual([]);
    expect(port.actions[0]!.code).toBe('exports.onExecutePostLogin = async () => {};');
  });

  it('waits for a background deployment before binding, bounded', async () => {
    const port = new FakePort();
    let polls = 0;
    const deploy = port.deployAction.bind(port);
    port.deployAction = async (id: string) => {
      await deploy(id);
      port.actions[0]!.deployed_version!.deployed = false;
    };
    const getAction = port.getAction.bind(port);
    port.getAction = async (id: string) => {
      const a = await getAction(id);
      if (a.deployed_version?.deployed === false && ++polls >= 3) port.actions[0]!.deployed_version!.deployed = true;
      return a;
    };
    await ensureSharedResources(deps(port), options);
    expect(polls).toBe(3);
    expect(port.bindings).toHaveLength(1);
    const stuck = new FakePort();
    const stuckDeploy = stuck.deployAction.bind(stuck);
    stuck.deployAction = async (id: string) => {
      await stuckDeploy(id);
      stuck.actions[0]!.deployed_version!.deployed = false;
    };
    await expect(ensureSharedResources(deps(stuck), { ...options, deployTimeoutMs: 5000 })).rejects.toMatchObject({ code: 'action_deploy_timeout' });
    expect(stuck.calls).not.toContain('replaceBindings');
  });
});

describe('the tenants engine (create and sync)', () => {
  const applyDeps = (port: FakePort) => ({
    port,
    sleep: async () => undefined,
    stopSignal: new AbortController().signal,
    onProgress: () => undefined,
    releaseUsers: async () => undefined,
  });

  it('never duplicates an application whose create answer was lost', async () => {
    const port = new FakePort();
    port.apis.push({ id: 'rs', identifier: config.audience, subject_type_authorization: { user: { policy: 'require_client_grant' } } });
    let lose = true;
    port.after = (m) => {
      if (m === 'createClient' && lose) {
        lose = false;
        throw new TenantsError('auth0', 'network', 'socket hang up', { details: { retryable: true } });
      }
    };
    const state = { clients: [], api: port.apis[0]!, grants: [] };
    const items = planSync(config, [{ tenant: 'acme' }], state);
    const [outcome] = await applySync(applyDeps(port), config, items, state, { prune: false, concurrency: 1 });
    expect(port.clients).toHaveLength(1);
    expect(outcome).toMatchObject({ tenant: 'acme', action: 'create', status: 'done', clientId: port.clients[0]!.client_id });
    expect(port.grants).toEqual([expect.objectContaining({ client_id: outcome!.clientId, subject_type: 'user', audience: config.audience })]);
  });

  it('plans as data, without any call', async () => {
    const port = new FakePort();
    const state = { clients: [], api: { id: 'rs', identifier: config.audience }, grants: [] };
    expect(planSync(config, [{ tenant: 'acme' }], state).map(({ desired: _d, ...i }) => i)).toEqual([
      { tenant: 'acme', action: 'create', grantMissing: false },
    ]);
    expect(port.calls).toEqual([]);
  });
});
