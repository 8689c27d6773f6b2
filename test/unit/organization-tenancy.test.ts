import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { actionCodeForMode, isOurActionCode } from '../../src/core/action-code.js';
import { desiredOrganization } from '../../src/core/desired-organization.js';
import { organizationTenancy } from '../../src/core/organization-tenancy.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { desiredSharedApplication, findSharedApplications } from '../../src/core/shared-application.js';
import { tenancyFor } from '../../src/core/tenancy-for.js';
import { TenantsError } from '../../src/core/tenants-error.js';
import { readTemplate } from '../../src/io/templates.js';
import { FakePort } from '../helpers/fake-port.js';

const config = projectConfigSchema.parse({
  strategy: 'organizations',
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
  application: { callbacks: ['https://{tenant}.example.com/cb'] },
  organizations: { loginUri: 'https://app.example.com/login' },
});
const CLAIM = 'https://s.example.com/tenant';

type Event = Record<string, unknown>;
/** Runs the rendered Action against an event; returns the claims set, or the denial. */
async function runAction(code: string, event: Event): Promise<{ claims: Record<string, unknown>; denied?: string }> {
  const module = { exports: {} as Record<string, (event: Event, api: unknown) => Promise<void>> };
  runInNewContext(code, { exports: module.exports, module });
  const result: { claims: Record<string, unknown>; denied?: string } = { claims: {} };
  const api = {
    accessToken: { setCustomClaim: (k: string, v: unknown) => (result.claims[k] = v) },
    idToken: { setCustomClaim: () => undefined },
    access: { deny: (reason: string) => (result.denied = reason) },
  };
  await module.exports['onExecutePostLogin']!({ user: { app_metadata: {} }, ...event }, api);
  return result;
}

const shared = { client_id: 'SHARED', ...desiredSharedApplication(config) };
const ourOrg = (name: string, id = `org_${name}`) => ({ id, ...desiredOrganization(config, name, ['con_1']) });

describe('the organizations strategy: primitives', () => {
  it('is selected by strategy "organizations" and refuses tenant ids that cannot name an organization, naming them', () => {
    expect(tenancyFor(config)).toBe(organizationTenancy);
    expect(() => organizationTenancy.checkIds(['a'.repeat(50)])).not.toThrow();
    const long = 'a'.repeat(51);
    let error: unknown;
    try {
      organizationTenancy.checkIds(['acme', long]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantsError);
    expect((error as TenantsError).code).toBe('organization_name_invalid');
    expect((error as TenantsError).message).toContain(long);
    expect((error as TenantsError).message).toContain('51 characters');
  });

  it('desires an organization named by the tenant id, marked in metadata, with its connections enabled in the create call', () => {
    expect(desiredOrganization(config, 'acme', ['con_1', 'con_2'], { name: 'Acme Inc' })).toEqual({
      name: 'acme',
      display_name: 'Acme Inc',
      metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' },
      enabled_connections: [
        { connection_id: 'con_1', assign_membership_on_login: false },
        { connection_id: 'con_2', assign_membership_on_login: false },
      ],
    });
  });

  it('owns organizations by marker; one named like a tenant without it is foreign', () => {
    const theirs = { id: 'org_t', name: 'globex', metadata: { team: 'billing' } };
    const forged = { id: 'org_f', name: 'initech', metadata: { tenant: 'other', tenants_managed_by: 'auth0-tenants' } };
    const state = { clients: [], api: undefined, grants: [], organizations: [ourOrg('acme'), theirs, forged] as never };
    expect([...organizationTenancy.owned(state).keys()]).toEqual(['acme']);
    expect(organizationTenancy.foreign(state, 'globex').map((r) => r.id)).toEqual(['org_t']);
    expect(organizationTenancy.foreign(state, 'acme')).toEqual([]);
    expect(organizationTenancy.foreign(state).map((r) => r.id)).toEqual(['org_f']);
    expect((organizationTenancy.notOurs('globex', organizationTenancy.foreign(state, 'globex')) as TenantsError).code).toBe('organization_not_ours');
  });

  it('desires one shared SPA requiring an organization, its URLs with the {organization_name} placeholder, found by marker and role', () => {
    const app = desiredSharedApplication(config);
    expect(app).toMatchObject({
      name: 'Tenants SPA',
      app_type: 'spa',
      organization_usage: 'require',
      organization_require_behavior: 'no_prompt',
      initiate_login_uri: 'https://app.example.com/login',
      callbacks: ['https://{organization_name}.example.com/cb'],
      client_metadata: { tenants_managed_by: 'auth0-tenants', tenants_role: 'organizations-app', tenants_api: 'https://api.example.com' },
    });
    expect(app['client_metadata']).not.toHaveProperty('tenant');
    const otherProject = { client_id: 'OTHER', ...desiredSharedApplication({ ...config, audience: 'https://other.example.com' }) };
    expect(findSharedApplications([otherProject, shared] as never, config).map((c) => c.client_id)).toEqual(['SHARED']);
  });

  it('writes tenant.json schemaVersion 2 naming the organization and the shared application', () => {
    const state = { clients: [shared] as never, api: undefined, grants: [], organizations: [ourOrg('acme')] as never };
    const [org] = organizationTenancy.owned(state).get('acme')!;
    expect(organizationTenancy.settings(config, 'acme', org!, state)).toEqual({
      schemaVersion: 2,
      tenant: 'acme',
      issuers: [{ issuer: 'https://t.auth0.com/', jwksUri: 'https://t.auth0.com/.well-known/jwks.json' }],
      audience: 'https://api.example.com',
      clientIds: ['SHARED'],
      organization: { id: 'org_acme', name: 'acme', required: true },
      clientIdClaim: 'azp',
      tenantClaim: CLAIM,
      algorithms: ['RS256'],
      leewaySeconds: 30,
    });
  });

  it('converges on its own organization when the create answer was lost (409 on the name), and refuses one that is not ours', async () => {
    const port = new FakePort();
    let lose = true;
    port.after = (method) => {
      if (method === 'createOrganization' && lose) {
        lose = false;
        throw new TenantsError('auth0', 'network', 'connection reset');
      }
    };
    const desired = desiredOrganization(config, 'acme', ['con_1']);
    await expect(organizationTenancy.create(port, config, 'acme', desired, 0)).rejects.toThrow('connection reset');
    const again = await organizationTenancy.create(port, config, 'acme', desired, 0);
    expect(port.organizations).toHaveLength(1);
    expect(again.id).toBe(port.organizations[0]!.id);
    port.organizations.push({ id: 'org_x', name: 'globex', metadata: {} });
    await expect(organizationTenancy.create(port, config, 'globex', desiredOrganization(config, 'globex', []), 0)).rejects.toMatchObject({
      code: 'organization_not_ours',
    });
  });

  it('moves members in batches of 10 and leaves the old organization only after joining the new one', async () => {
    const port = new FakePort();
    port.organizations.push(ourOrg('acme', 'org_a') as never, ourOrg('globex', 'org_g') as never);
    const ids = Array.from({ length: 23 }, (_, i) => `auth0|${i}`);
    port.members['org_g'] = [...ids];
    const state = { clients: [], api: undefined, grants: [], organizations: port.organizations };
    await organizationTenancy.members.add(
      port,
      'acme',
      { id: 'org_a', current: {} },
      ids.map((userId) => ({ userId, from: ['globex'] })),
      state,
    );
    expect(port.members['org_a']).toEqual(ids);
    expect(port.members['org_g']).toEqual([]);
    expect(port.calls.filter((c) => c === 'addOrganizationMembers')).toHaveLength(3);
    expect(port.calls.lastIndexOf('addOrganizationMembers')).toBeLessThan(port.calls.indexOf('removeOrganizationMembers'));
  });
});

describe('the post-login Action, organizations and dual modes', () => {
  const org = (name: string, ours = true) => ({ id: `org_${name}`, name, metadata: ours ? { tenant: name, tenants_managed_by: 'auth0-tenants' } : {} });
  const sharedClient = { client_id: 'SHARED', metadata: desiredSharedApplication(config)['client_metadata'] };
  const legacyClient = (tenant: string) => ({ client_id: `app_${tenant}`, metadata: { tenant, tenants_managed_by: 'auth0-tenants' } });
  const orgCode = actionCodeForMode(readTemplate, config, 'organizations');
  const dualCode = actionCodeForMode(readTemplate, config, 'dual');

  it('carries our header, so init recognises it as ours', () => {
    expect(isOurActionCode(orgCode)).toBe(true);
    expect(isOurActionCode(dualCode)).toBe(true);
    expect(orgCode).not.toContain('__');
  });

  it('organizations: the claim from an organization of ours whatever app_metadata says; the shared app without one is denied', async () => {
    expect(await runAction(orgCode, { client: sharedClient, organization: org('acme'), user: { app_metadata: { tenant: 'globex' } } })).toEqual({
      claims: { [CLAIM]: 'acme' },
    });
    expect((await runAction(orgCode, { client: sharedClient })).denied).toMatch(/organization/);
    expect((await runAction(orgCode, { client: sharedClient, organization: org('other', false) })).denied).toMatch(/not a tenant/);
    // Another team's application, no organization: not ours to judge, no claim.
    expect(await runAction(orgCode, { client: { client_id: 'X', metadata: {} }, user: { app_metadata: { tenant: 'acme' } } })).toEqual({ claims: {} });
    // organizations mode ignores legacy per-tenant applications entirely.
    expect(await runAction(orgCode, { client: legacyClient('acme'), user: { app_metadata: { tenant: 'acme' } } })).toEqual({ claims: {} });
  });

  it('dual: legacy application logins keep the app_metadata claim and the cross-tenant guard; organization logins use the organization', async () => {
    expect(await runAction(dualCode, { client: legacyClient('acme'), user: { app_metadata: { tenant: 'acme' } } })).toEqual({ claims: { [CLAIM]: 'acme' } });
    expect((await runAction(dualCode, { client: legacyClient('globex'), user: { app_metadata: { tenant: 'acme' } } })).denied).toMatch(
      /not to tenant "globex"/,
    );
    expect(await runAction(dualCode, { client: sharedClient, organization: org('globex'), user: { app_metadata: { tenant: 'acme' } } })).toEqual({
      claims: { [CLAIM]: 'globex' },
    });
    expect((await runAction(dualCode, { client: sharedClient, user: { app_metadata: { tenant: 'acme' } } })).denied).toBeDefined();
  });
});
