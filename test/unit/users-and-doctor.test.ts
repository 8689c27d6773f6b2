import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/doctor.js';
import { desiredApplication } from '../../src/core/desired-state.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { releaseTenantUsers } from '../../src/core/tenant-users.js';
import { FakePort } from '../helpers/fake-port.js';

const deps = (port: FakePort) => ({ port, sleep: async () => undefined, now: Date.now, progress: () => undefined });
const config = projectConfigSchema.parse({
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
  applicationLimit: 10,
});

describe("releasing a tenant's users", () => {
  it('is finished by the next run after a crash in the middle of a batch', async () => {
    const port = new FakePort();
    port.users = Array.from({ length: 250 }, (_, i) => ({
      user_id: `auth0|${i}`,
      email: `u${i}@x.example`,
      app_metadata: { tenant: i % 5 === 0 ? 'other' : 'acme' },
    }));
    let writes = 0;
    port.before = (method) => {
      if (method === 'updateAppMetadata' && ++writes === 130) throw new Error('killed');
    };
    await expect(releaseTenantUsers(deps(port), 'acme', { deleteUsers: false })).rejects.toThrow('killed');
    expect(port.users.filter((u) => u.app_metadata?.['tenant'] === 'acme').length).toBeGreaterThan(0);
    port.before = () => undefined;
    await releaseTenantUsers(deps(port), 'acme', { deleteUsers: false });
    expect(port.users.filter((u) => u.app_metadata?.['tenant'] === 'acme')).toEqual([]);
    expect(port.users.filter((u) => u.app_metadata?.['tenant'] === 'other')).toHaveLength(50);
    expect(port.users).toHaveLength(250);
  });
});

describe('diagnose', () => {
  const healthy = {
    config,
    expectedActionCode: 'CODE',
    forbidden: [],
    api: { id: 'rs', identifier: config.audience, signing_alg: 'RS256', subject_type_authorization: { user: { policy: 'require_client_grant' } } },
    action: { id: 'a', name: config.actionName, all_changes_deployed: true, deployed_version: { code: 'CODE' } },
    bindings: [{ id: 'b', action: { id: 'a' } }],
    clients: [
      { client_id: 'A', ...desiredApplication({ ...config, application: { ...config.application, callbacks: ['https://acme.example.com/cb'] } }, 'acme') },
    ],
    grants: [{ id: 'g', client_id: 'A', audience: config.audience, subject_type: 'user' }],
    files: { acme: { 'tenant.json': true } },
    // The callback was set per tenant (a manifest): recorded beside its files, so it is no drift.
    overrides: { acme: { callbacks: ['https://acme.example.com/cb'] } },
  };

  it('finds nothing wrong in a healthy setup', () => {
    expect(diagnose(healthy as never)).toEqual([]);
  });

  it.each([
    ['a dashboard edit of the Action', { action: { ...healthy.action, deployed_version: { code: 'edited' } } }, 'action_code_changed', 'tenants init'],
    ['a double binding', { bindings: [healthy.bindings[0], { id: 'c', action: { id: 'a' } }] }, 'binding_duplicate', 'tenants init'],
    ['an HS256 API', { api: { ...healthy.api, signing_alg: 'HS256' } }, 'api_signing_alg', 'tenants init'],
    ['a lost grant', { grants: [] }, 'client_grant_missing', 'tenants create acme'],
    [
      'a wildcard callback',
      { clients: [{ ...healthy.clients[0], callbacks: ['https://*.example.com/cb'] }] },
      'callbacks_insecure',
      expect.stringContaining('tenants create acme'),
    ],
    ['a missing file', { files: { acme: { 'tenant.json': undefined } } }, 'files_missing', 'tenants emit acme'],
    [
      'a full plan',
      { clients: [...healthy.clients, ...Array.from({ length: 9 }, (_, i) => ({ client_id: `x${i}` }))] },
      'application_limit',
      expect.any(String),
    ],
  ])('%s', (_name, change, code, fix) => {
    expect(diagnose({ ...healthy, ...change } as never)).toEqual(expect.arrayContaining([expect.objectContaining({ code, fix })]));
  });
});
