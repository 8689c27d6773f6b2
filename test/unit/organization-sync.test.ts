import { describe, expect, it } from 'vitest';
import { desiredOrganization } from '../../src/core/desired-organization.js';
import { organizationTenancy } from '../../src/core/organization-tenancy.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { desiredSharedApplication } from '../../src/core/shared-application.js';
import { applySync } from '../../src/core/sync-apply.js';
import { planSync } from '../../src/core/sync-plan.js';
import { TenantsError } from '../../src/core/tenants-error.js';
import { FakePort } from '../helpers/fake-port.js';

const config = projectConfigSchema.parse({
  strategy: 'organizations',
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
});

function setup() {
  const port = new FakePort();
  port.apis.push({ id: 'rs1', identifier: config.audience, subject_type_authorization: { user: { policy: 'require_client_grant' } } });
  port.clients.push({ client_id: 'SHARED', ...desiredSharedApplication(config) } as never);
  return port;
}

const deps = (port: FakePort, released: string[] = []) => ({
  port,
  sleep: async () => undefined,
  stopSignal: new AbortController().signal,
  onProgress: () => undefined,
  releaseUsers: async (tenant: string, resource: { id: string; name?: string | undefined; current: Record<string, unknown> }) => {
    released.push(tenant);
    return organizationTenancy.members.release({ port, sleep: async () => undefined, now: () => 0, progress: () => undefined }, tenant, resource, {
      deleteUsers: false,
    });
  },
});

describe('the engine under the organizations strategy (fake port)', () => {
  it('plans and creates organizations with the connections, settles a lost answer by name, and changes nothing the second time', async () => {
    const port = setup();
    let lose = true;
    port.after = (method) => {
      if (method === 'createOrganization' && lose) {
        lose = false;
        throw new TenantsError('auth0', 'network', 'socket hang up');
      }
    };
    const entries = [{ tenant: 'acme' }, { tenant: 'globex', name: 'Globex Corporation' }];
    const state = await organizationTenancy.read(port, config, { forWrite: true });
    expect(state.connectionIds).toEqual(['con_0000000000000001']);
    const items = planSync(config, entries, state);
    expect(items.map((i) => [i.tenant, i.action, i.grantMissing])).toEqual([
      ['acme', 'create', false],
      ['globex', 'create', false],
    ]);
    const outcomes = await applySync(deps(port), config, items, state, { prune: false, concurrency: 1 });
    expect(outcomes.map((o) => [o.tenant, o.status]).sort()).toEqual([
      ['acme', 'done'],
      ['globex', 'done'],
    ]);
    expect(port.organizations.map((o) => o.name)).toEqual(['acme', 'globex']);
    expect(port.calls.filter((c) => c === 'createOrganization')).toHaveLength(2);
    expect(port.calls).toContain('getOrganizationByName');
    expect(port.organizations[1]).toMatchObject({ display_name: 'Globex Corporation', metadata: { tenant: 'globex', tenants_managed_by: 'auth0-tenants' } });
    const again = planSync(config, entries, await organizationTenancy.read(port, config, { forWrite: true }));
    expect(again.map((i) => i.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('repairs a drifted display name with only that field, keeping metadata others added', async () => {
    const port = setup();
    port.organizations.push({
      id: 'org_a',
      ...desiredOrganization(config, 'acme', []),
      display_name: 'Renamed',
      metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants', plan: 'gold' },
    } as never);
    const state = await organizationTenancy.read(port, config, { forWrite: true });
    const [item] = planSync(config, [{ tenant: 'acme' }], state);
    expect(item).toMatchObject({ action: 'update', changes: ['display_name'] });
    await applySync(deps(port), config, [item!], state, { prune: false, concurrency: 1 });
    expect(port.organizations[0]).toMatchObject({ display_name: 'acme', metadata: { plan: 'gold' } });
  });

  it('prunes: the members leave 10 per request and are confirmed gone before the organization is deleted', async () => {
    const port = setup();
    port.organizations.push({ id: 'org_g', ...desiredOrganization(config, 'globex', []) } as never);
    port.members['org_g'] = Array.from({ length: 25 }, (_, i) => `auth0|${i}`);
    const state = await organizationTenancy.read(port, config, { forWrite: true });
    const items = planSync(config, [], state);
    expect(items).toMatchObject([{ tenant: 'globex', action: 'absent', clientId: 'org_g' }]);
    const released: string[] = [];
    const [outcome] = await applySync(deps(port, released), config, items, state, { prune: true, concurrency: 1 });
    expect(outcome).toMatchObject({ tenant: 'globex', action: 'delete', status: 'done' });
    expect(released).toEqual(['globex']);
    expect(port.calls.filter((c) => c === 'removeOrganizationMembers')).toHaveLength(3);
    expect(port.calls.lastIndexOf('listOrganizationMembers')).toBeLessThan(port.calls.indexOf('deleteOrganization'));
    expect(port.organizations).toEqual([]);
  });
});
