import { describe, expect, it } from 'vitest';
import { applyMigration } from '../../src/core/apply-migration.js';
import { ownedMetadata } from '../../src/core/desired-state.js';
import { migrationActionCodes, migrationSettings } from '../../src/core/migration-organizations.js';
import { planMigration, type SettingsFor } from '../../src/core/plan-migration.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { readMigrationState } from '../../src/core/read-migration-state.js';
import type { TenantSettings } from '../../src/core/tenant-files.js';
import { TenantsError } from '../../src/core/tenants-error.js';
import { readTemplate } from '../../src/io/templates.js';
import { FakePort } from '../helpers/fake-port.js';

const config = projectConfigSchema.parse({ domain: 'acme.eu.auth0.com', audience: 'https://api.example.com', claimNamespace: 'https://saas.example.com/' });
const codes = migrationActionCodes(config, readTemplate);
const settingsFor: SettingsFor = (t, phase, org, shared) => migrationSettings(config, undefined, t, phase, org, shared);

/** A project of two tenants with applications of ours; acme has more users than Auth0's user search returns. */
function project(acmeUsers: number): { port: FakePort; files: Map<string, TenantSettings> } {
  const port = new FakePort();
  for (const tenant of ['acme', 'globex']) {
    port.clients.push({ client_id: `app-${tenant}`, name: tenant, client_metadata: ownedMetadata(tenant) });
    port.grants.push({ id: `grant-${tenant}`, client_id: `app-${tenant}`, audience: config.audience, subject_type: 'user' });
  }
  for (let i = 0; i < acmeUsers; i++) port.users.push({ user_id: `auth0|a${i}`, app_metadata: { tenant: 'acme' } });
  port.users.push({ user_id: 'auth0|g1', app_metadata: { tenant: 'globex' } }, { user_id: 'auth0|n1' });
  return { port, files: new Map() };
}

const read = (port: FakePort, files: Map<string, TenantSettings>, phase: 'dual' | 'finalize' = 'dual') =>
  readMigrationState(
    { port, sleep: async () => undefined, now: () => 0, progress: () => undefined, readSettings: (t) => files.get(t), concurrency: 4 },
    config,
    codes,
    { phase, readUsers: true },
  );

const apply = async (port: FakePort, files: Map<string, TenantSettings>, phase: 'dual' | 'finalize') => {
  const snapshot = await read(port, files, phase);
  const plan = planMigration(snapshot.state, phase, settingsFor);
  const steps = await applyMigration(
    {
      port,
      sleep: async () => undefined,
      now: () => port.calls.length,
      progress: () => undefined,
      concurrency: 4,
      writeFiles: (s) => (files.set(s.tenant, JSON.parse(JSON.stringify(s)) as TenantSettings), true),
      writeStrategy: () => undefined,
      stopped: () => false,
    },
    config,
    snapshot,
    plan,
    settingsFor,
  );
  return { snapshot, plan, steps };
};

describe('migrate to-organizations (core, against an in-memory Management API)', () => {
  it('past 1,000 users reads the tenant through one users export job and adds every user in batches of at most 10', async () => {
    const { port, files } = project(1205);
    const { snapshot, plan } = await apply(port, files, 'dual');
    expect(snapshot.usedExport).toBe(true);
    expect(port.calls.filter((c) => c === 'exportUsers')).toHaveLength(1);
    expect(plan.steps).toContainEqual(expect.objectContaining({ resource: 'members', tenant: 'acme', detail: '1205 of 1205 user(s) to add, 121 request(s)' }));
    const acme = port.organizations.find((o) => o.name === 'acme')!;
    expect(new Set(port.members[acme.id])).toEqual(new Set(port.users.filter((u) => u.app_metadata?.['tenant'] === 'acme').map((u) => u.user_id)));
    expect(port.members[port.organizations.find((o) => o.name === 'globex')!.id]).toEqual(['auth0|g1']);
    // FakePort refuses more than 10 members per call; 121 calls for acme, 1 for globex.
    expect(port.calls.filter((c) => c === 'addOrganizationMembers')).toHaveLength(122);
    expect(files.get('acme')).toMatchObject({ schemaVersion: 2, clientIds: ['app-acme', expect.any(String)], organization: { id: acme.id, required: false } });

    // Converged: a second run plans nothing and writes nothing.
    port.calls = [];
    const again = planMigration((await read(port, files)).state, 'dual', settingsFor);
    expect(again.steps.filter((s) => s.action !== 'unchanged')).toEqual([]);
    expect(port.calls.filter((c) => !/^(find|list|get|search|export|download)/.test(c))).toEqual([]);
  });

  it('--finalize is refused while a user is not a member yet, and names what is missing', async () => {
    const { port, files } = project(3);
    const early = planMigration((await read(port, files, 'finalize')).state, 'finalize', settingsFor);
    expect(early.steps).toEqual([]);
    expect(early.incomplete).toEqual(
      expect.arrayContaining(['the shared application does not exist', 'acme has no organization', 'globex has no organization']),
    );
    await apply(port, files, 'dual');
    port.users.push({ user_id: 'auth0|late', app_metadata: { tenant: 'globex' } });
    const late = planMigration((await read(port, files, 'finalize')).state, 'finalize', settingsFor);
    expect(late.incomplete).toEqual(['globex: 1 user(s) are not members of its organization']);
    await apply(port, files, 'dual');
    const { steps } = await apply(port, files, 'finalize');
    expect(steps.filter((s) => s.action === 'delete').map((s) => s.id)).toEqual(['grant-acme', 'app-acme', 'grant-globex', 'app-globex']);
    expect(port.clients.map((c) => c.client_id)).toEqual([expect.not.stringMatching(/^app-/)]);
    expect(files.get('globex')).toMatchObject({ clientIds: [port.clients[0]!.client_id], organization: { required: true } });
  });

  it('an organization named like a tenant without our marker is refused before anything is written', async () => {
    const { port, files } = project(1);
    port.organizations.push({ id: 'org_theirs', name: 'globex', metadata: { team: 'billing' } });
    const snapshot = await read(port, files);
    expect(() => planMigration(snapshot.state, 'dual', settingsFor)).toThrow(TenantsError);
    expect(() => planMigration(snapshot.state, 'dual', settingsFor)).toThrow(/globex \(org_theirs\)/);
    expect(port.calls.filter((c) => !/^(find|list|get|search)/.test(c))).toEqual([]);
  });
});
