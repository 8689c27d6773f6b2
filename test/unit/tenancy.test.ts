import { describe, expect, it } from 'vitest';
import { desiredApplication } from '../../src/core/desired-state.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { tenancyFor } from '../../src/core/tenancy-for.js';

const config = projectConfigSchema.parse({
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
  application: { callbacks: ['https://{tenant}.example.com/cb'] },
});

describe('the tenancy seam', () => {
  it('selects the application-per-tenant strategy by default, and refuses an unknown one naming the field', () => {
    expect(config.strategy).toBe('applications');
    expect(tenancyFor(config).strategy).toBe('applications');
    const bad = projectConfigSchema.safeParse({ ...config, strategy: 'realms' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['strategy']);
  });

  it("finds our tenants by marker, sees other teams' claims as foreign, and diagnoses against the recorded settings", () => {
    const tenancy = tenancyFor(config);
    const acme = { client_id: 'A', ...desiredApplication(config, 'acme', { name: 'Acme Inc' }) };
    const dup = { client_id: 'B', ...desiredApplication(config, 'acme') };
    const theirs = { client_id: 'T', name: 'Theirs', client_metadata: { tenant: 'globex' } };
    const state = { clients: [acme, dup, theirs] as never, api: undefined, grants: [] };
    const owned = tenancy.owned(state);
    expect([...owned.keys()]).toEqual(['acme']);
    expect(owned.get('acme')!.map((r) => r.id)).toEqual(['A', 'B']);
    expect(tenancy.foreign(state, 'globex').map((r) => r.id)).toEqual(['T']);
    expect(tenancy.foreign(state, 'acme')).toEqual([]);
    expect(tenancy.marker('acme')).toEqual({ tenant: 'acme', tenants_managed_by: 'auth0-tenants' });
    expect(tenancy.members.query('acme')).toBe('app_metadata.tenant:"acme"');
    expect(tenancy.members.tenantOf({ app_metadata: { tenant: 'acme' } })).toBe('acme');
    expect(tenancy.settings(config, 'acme', owned.get('acme')![0]!, state)).toMatchObject({ tenant: 'acme', clientId: 'A' });

    const withName = tenancy.diagnose(config, 'acme', owned.get('acme')!, state, { name: 'Acme Inc' }).map((f) => f.code);
    expect(withName).toEqual(['application_duplicate', 'client_grant_missing']);
    const withoutName = tenancy.diagnose(config, 'acme', owned.get('acme')!, state, {}).map((f) => f.code);
    expect(withoutName).toContain('application_drift');
  });
});
