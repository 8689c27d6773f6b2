import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

// Every command under "strategy": "organizations", end to end against the emulator: one shared application,
// one organization per tenant, membership through the members API, invitations, and a login through an
// organization that proves the claim and a cross-tenant refusal.
const AUDIENCE = 'https://api.orgs.example.com';
const NAMESPACE = 'https://orgs.example.com/';
let emulator: RunningEmulator;
const work = tempDir('tenants-orgs-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[], input?: string) => runCli(args, { cwd: work.path, env, ...(input === undefined ? {} : { input }) });
const json = <T>(text: string): T => JSON.parse(text) as T;
const errorOf = (stdout: string) => json<{ error: { code: string; message: string } }>(stdout).error;
const settingsOf = (t: string) =>
  json<{ schemaVersion: number; clientIds: string[]; organization: { id: string; name: string; required: boolean } }>(
    readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8'),
  );
const orgs = () => Object.values(emulator.tenant.state.data.organizations ?? {});
const orgNamed = (name: string) => orgs().find((o) => o['name'] === name);
const membersOf = (name: string) => [...(emulator.tenant.state.data.organizationMembers?.[String(orgNamed(name)?.['id'])] ?? [])];
const sharedApps = () =>
  Object.values(emulator.tenant.state.data.clients).filter(
    (c) => (c['client_metadata'] as Record<string, string> | undefined)?.['tenants_role'] === 'organizations-app',
  );
const writesFrom = (from: number) => emulator.requests.slice(from).filter((r) => r.method !== 'GET');

async function login(body: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${emulator.url}/__emulator/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

beforeAll(async () => {
  emulator = await testEmulator();
  env = credentialsEnv(emulator);
  const init = await cli([
    'init',
    '--no-input',
    '--strategy',
    'organizations',
    '--domain',
    emulator.domain,
    '--audience',
    AUDIENCE,
    '--claim-namespace',
    NAMESPACE,
    '--callbacks',
    'https://{tenant}.app.orgs.example.com/callback',
    '--login-uri',
    'https://app.orgs.example.com/login',
  ]);
  expect(init.code, init.stderr).toBe(0);
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('init --strategy organizations', () => {
  it('makes one shared SPA requiring an organization, with its grant and the organizations Action, and converges', async () => {
    const config = json<{ strategy: string; organizations: Record<string, unknown> }>(readFileSync(join(work.path, 'tenants.config.json'), 'utf8'));
    expect(config.strategy).toBe('organizations');
    expect(config.organizations).toMatchObject({ requireBehavior: 'no_prompt', loginUri: 'https://app.orgs.example.com/login' });
    const [app, ...more] = sharedApps();
    expect(more).toEqual([]);
    expect(app).toMatchObject({
      app_type: 'spa',
      organization_usage: 'require',
      organization_require_behavior: 'no_prompt',
      initiate_login_uri: 'https://app.orgs.example.com/login',
      callbacks: ['https://{organization_name}.app.orgs.example.com/callback'],
      client_metadata: { tenants_managed_by: 'auth0-tenants', tenants_role: 'organizations-app', tenants_api: AUDIENCE },
    });
    const grants = Object.values(emulator.tenant.state.data.clientGrants).filter((g) => g['client_id'] === app!['client_id']);
    expect(grants).toMatchObject([{ audience: AUDIENCE, subject_type: 'user' }]);
    const action = Object.values(emulator.tenant.state.data.actions)[0]!;
    expect(String(action['code'])).toContain('event.organization');

    const from = emulator.requests.length;
    const plan = await cli(['--json', 'init', '--dry-run', '--exit-code']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(json<{ steps: { resource: string; action: string }[] }>(plan.stdout).steps).toEqual([
      expect.objectContaining({ resource: 'api', action: 'unchanged' }),
      expect.objectContaining({ resource: 'action', action: 'unchanged' }),
      expect.objectContaining({ resource: 'binding', action: 'unchanged' }),
      expect.objectContaining({ resource: 'application', action: 'unchanged' }),
      expect.objectContaining({ resource: 'client-grant', action: 'unchanged' }),
    ]);
    expect((await cli(['init'])).code).toBe(0);
    expect(writesFrom(from)).toEqual([]);
    expect(sharedApps()).toHaveLength(1);
  });
});

describe('create, list, show, emit', () => {
  it('creates one marked organization per tenant with the database connection, writes tenant.json v2, and changes nothing the second time', async () => {
    const created = await cli(['--json', 'create', 'acme', 'globex']);
    expect(created.code, created.stderr).toBe(0);
    const result = json<{ tenants: { tenant: string; action: string; organizationId: string }[] }>(created.stdout);
    expect(result.tenants.map((t) => [t.tenant, t.action])).toEqual([
      ['acme', 'create'],
      ['globex', 'create'],
    ]);
    const acme = orgNamed('acme')!;
    expect(acme).toMatchObject({ name: 'acme', display_name: 'acme', metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' } });
    expect((acme['__connections'] as { connection_id: string }[]).map((c) => c.connection_id)).toEqual(['con_0000000000000001']);
    expect(result.tenants[0]!.organizationId).toBe(acme['id']);
    const settings = settingsOf('acme');
    expect(settings).toMatchObject({
      schemaVersion: 2,
      clientIds: [sharedApps()[0]!['client_id']],
      organization: { id: acme['id'], name: 'acme', required: true },
    });
    expect(readFileSync(join(work.path, 'tenants', 'acme', 'spa.env'), 'utf8')).toContain(`VITE_AUTH0_ORGANIZATION=${String(acme['id'])}`);

    const from = emulator.requests.length;
    const again = await cli(['--json', 'create', 'acme', 'globex']);
    expect(json<{ counts: Record<string, number> }>(again.stdout).counts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(writesFrom(from)).toEqual([]);

    const list = json<{ tenants: { tenant: string; organizationId: string; filesEmitted: boolean }[] }>((await cli(['--json', 'list'])).stdout);
    expect(list.tenants).toMatchObject([
      { tenant: 'acme', organizationId: acme['id'], filesEmitted: true },
      { tenant: 'globex', filesEmitted: true },
    ]);
    const show = json<{ organization: { id: string }; sharedApplication: string; settings: unknown }>((await cli(['--json', 'show', 'acme'])).stdout);
    expect(show.organization.id).toBe(acme['id']);
    expect(show.sharedApplication).toBe(sharedApps()[0]!['client_id']);
    const emitted = json<{ tenants: { tenant: string; files: Record<string, string> }[] }>((await cli(['--json', 'emit', '--all'])).stdout);
    expect(emitted.tenants.map((t) => Object.values(t.files).every((f) => f === 'unchanged'))).toEqual([true, true]);
  });

  it('refuses a tenant id over 50 characters (exit 2, named, nothing sent)', async () => {
    const long = `a${'b'.repeat(50)}`;
    const from = emulator.requests.length;
    const run = await cli(['--json', 'create', long]);
    expect(run.code).toBe(2);
    expect(errorOf(run.stdout)).toMatchObject({ code: 'organization_name_invalid' });
    expect(errorOf(run.stdout).message).toContain(long);
    expect(emulator.requests.length).toBe(from);
    const manifest = join(work.path, 'long.yaml');
    writeFileSync(manifest, `tenants:\n  - acme\n  - ${long}\n`);
    expect((await cli(['sync', manifest])).code).toBe(2);
    expect(emulator.requests.length).toBe(from);
  });

  it("refuses another team's organization named like a tenant, names it, and adopts it only with --adopt", async () => {
    const res = await fetch(`${emulator.url}/api/v2/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await managementToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'initech', display_name: 'Initech (billing team)', metadata: { team: 'billing' } }),
    });
    const theirs = (await res.json()) as { id: string };
    const refused = await cli(['--json', 'create', 'initech']);
    expect(refused.code).toBe(2);
    expect(errorOf(refused.stdout)).toMatchObject({ code: 'organization_not_ours' });
    expect(errorOf(refused.stdout).message).toContain(theirs.id);
    expect(errorOf((await cli(['--json', 'delete', 'initech', '--yes'])).stdout).code).toBe('organization_not_ours');
    expect(json<{ tenants: { tenant: string }[] }>((await cli(['--json', 'list'])).stdout).tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    const adopted = await cli(['--json', 'create', 'initech', '--adopt']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(orgNamed('initech')!['metadata']).toEqual({ team: 'billing', tenant: 'initech', tenants_managed_by: 'auth0-tenants' });
    // Adopted: our connections are enabled too (Auth0 refuses a login through a connection the organization has not enabled).
    expect((orgNamed('initech')!['__connections'] as { connection_id: string }[]).map((c) => c.connection_id)).toEqual(['con_0000000000000001']);
    expect((await cli(['delete', 'initech', '--yes'])).code).toBe(0);
    expect(orgNamed('initech')).toBeUndefined();
  });
});

async function managementToken(): Promise<string> {
  const res = await fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      audience: `${emulator.url}/api/v2/`,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('users and logins through an organization', () => {
  it('adds members, refuses a move without --move, moves with it, lists and removes', async () => {
    const ann = await emulator.createUser({ email: 'ann@acme.example', password: 'Demo-passw0rd' });
    await emulator.createUser({ email: 'bob@acme.example', password: 'Demo-passw0rd' });
    const added = await cli(['--json', 'users', 'add', 'acme', 'Ann@acme.example', 'bob@acme.example']);
    expect(added.code, added.stderr).toBe(0);
    expect(membersOf('acme').sort()).toHaveLength(2);
    expect(membersOf('acme')).toContain(ann);
    // Membership lives in the organization, not in app_metadata.
    expect(emulator.tenant.state.data.users[ann]!['app_metadata'] ?? {}).not.toHaveProperty('tenant');
    const refused = await cli(['--json', 'users', 'add', 'globex', 'bob@acme.example']);
    expect(refused.code).toBe(2);
    expect(errorOf(refused.stdout).code).toBe('user_in_other_tenant');
    expect(membersOf('globex')).toEqual([]);
    const moved = await cli(['--json', 'users', 'add', 'globex', 'bob@acme.example', '--move']);
    expect(json<{ users: { action: string; from: string }[] }>(moved.stdout).users).toMatchObject([{ action: 'move', from: 'acme' }]);
    expect(membersOf('acme')).toEqual([ann]);
    expect(membersOf('globex')).toHaveLength(1);
    const list = json<{ users: { email: string }[] }>((await cli(['--json', 'users', 'list', 'globex'])).stdout);
    expect(list.users.map((u) => u.email)).toEqual(['bob@acme.example']);
    expect((await cli(['users', 'remove', 'globex', 'bob@acme.example'])).code).toBe(0);
    expect(membersOf('globex')).toEqual([]);
  });

  it("logs in through acme's organization with the tenant claim; globex's backend refuses the token, globex's organization refuses ann", async () => {
    const clientId = settingsOf('acme').clientIds[0]!;
    const acmeOrg = settingsOf('acme').organization.id;
    const ok = await login({ client_id: clientId, username: 'ann@acme.example', password: 'Demo-passw0rd', audience: AUDIENCE, organization: acmeOrg });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.body['access_token']!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ org_id: acmeOrg, azp: clientId, [`${NAMESPACE}tenant`]: 'acme' });
    expect((await cli(['verify-token', '--tenant', 'acme'], ok.body['access_token'])).code).toBe(0);
    const cross = await cli(['--json', 'verify-token', '--tenant', 'globex'], ok.body['access_token']);
    expect(cross.code).toBe(3);
    expect(json<{ code: string }>(cross.stdout).code).toBe('wrong_organization');
    const denied = await login({
      client_id: clientId,
      username: 'ann@acme.example',
      password: 'Demo-passw0rd',
      audience: AUDIENCE,
      organization: settingsOf('globex').organization.id,
    });
    expect(denied.status).toBe(403);
    expect(denied.body['error']).toBe('access_denied');
    // Without an organization the shared application refuses the login (organization_usage: require).
    expect((await login({ client_id: clientId, username: 'ann@acme.example', password: 'Demo-passw0rd', audience: AUDIENCE })).status).not.toBe(200);
  });

  it('invites through the organization and prints the invitation URL', async () => {
    const run = await cli(['--json', 'users', 'invite', 'acme', 'Nina@Acme.example', '--ttl', '86400', '--inviter', 'Acme admin']);
    expect(run.code, run.stderr).toBe(0);
    const [invited] = json<{ users: { email: string; action: string; invitationUrl: string }[] }>(run.stdout).users;
    expect(invited).toMatchObject({ email: 'nina@acme.example', action: 'invited' });
    const url = new URL(invited!.invitationUrl);
    expect(url.origin + url.pathname).toBe('https://app.orgs.example.com/login');
    expect(url.searchParams.get('organization')).toBe(settingsOf('acme').organization.id);
    expect(url.searchParams.get('invitation')).toBeTruthy();
    const stored = Object.values(emulator.tenant.state.data.organizationInvitations ?? {}).at(-1)!;
    expect(stored).toMatchObject({
      client_id: settingsOf('acme').clientIds[0],
      connection_id: 'con_0000000000000001',
      inviter: { name: 'Acme admin' },
      invitee: { email: 'nina@acme.example' },
    });
  });

  it('refuses before the first write when the token lacks an organization scope, naming it; doctor names it too', async () => {
    const token = await managementToken();
    const call = (path: string, body: unknown) =>
      fetch(`${emulator.url}/api/v2${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, string>>);
    const limited = await call('/clients', { name: 'limited', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const scopes = ['read:clients', 'read:resource_servers', 'create:resource_servers', 'update:resource_servers', 'delete:resource_servers'];
    await call('/client-grants', {
      client_id: limited['client_id'],
      audience: `https://${emulator.domain}/api/v2/`,
      scope: [...scopes, 'read:client_grants', 'read:organizations', 'read:connections'],
    });
    const limitedEnv = { AUTH0_CLIENT_ID: limited['client_id']!, AUTH0_CLIENT_SECRET: limited['client_secret']! };
    const from = emulator.requests.length;
    const run = await runCli(['--json', 'create', 'hooli'], { cwd: work.path, env: { ...env, ...limitedEnv } });
    expect(run.code).toBe(4);
    expect(errorOf(run.stdout).code).toBe('scope_missing');
    expect(errorOf(run.stdout).message).toContain('create:organizations');
    expect(writesFrom(from)).toEqual([]);
    const doctor = await runCli(['--json', 'doctor'], { cwd: work.path, env: { ...env, ...limitedEnv } });
    expect(json<{ findings: { code: string; message: string }[] }>(doctor.stdout).findings.find((f) => f.code === 'scopes_missing')?.message).toContain(
      'create:organization_members',
    );
  });

  it('doctor is healthy, without warnings', async () => {
    const doctor = await cli(['--json', 'doctor']);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(json<{ findings: unknown[] }>(doctor.stdout).findings).toEqual([]);
  });
});

describe('membership at scale, prune and delete', () => {
  it('lists and detaches more than 1,000 members through checkpoint paging, 10 per request', async () => {
    const org = String(orgNamed('globex')!['id']);
    const ids: string[] = [];
    for (let i = 0; i < 1012; i++) {
      const id = `auth0|bulk${String(i).padStart(5, '0')}`;
      emulator.tenant.state.data.users[id] = { user_id: id, email: `b${i}@globex.example`, identities: [{ connection: 'Username-Password-Authentication' }] };
      ids.push(id);
    }
    emulator.tenant.state.data.organizationMembers![org] = [...ids];
    const list = json<{ users: unknown[] }>((await cli(['--json', 'users', 'list', 'globex'])).stdout);
    expect(list.users).toHaveLength(1012);
    const plan = await cli(['--json', 'delete', 'globex', '--dry-run']);
    expect(json<{ steps: { resource: string; action: string; detail?: string }[] }>(plan.stdout).steps).toMatchObject([
      { resource: 'users', action: 'delete', detail: '1012 user(s) to be detached' },
      { resource: 'organization', action: 'delete', id: org },
      { resource: 'files', action: 'delete' },
    ]);
    const manifest = join(work.path, 'tenants.yaml');
    writeFileSync(manifest, 'tenants:\n  - acme\n');
    const from = emulator.requests.length;
    const pruned = await cli(['--json', 'sync', manifest, '--prune', '--yes']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(json<{ counts: Record<string, number> }>(pruned.stdout).counts).toMatchObject({ deleted: 1, unchanged: 1 });
    expect(orgNamed('globex')).toBeUndefined();
    const requests = emulator.requests.slice(from);
    const removals = requests.filter((r) => r.operationId === 'delete_members');
    expect(removals).toHaveLength(Math.ceil(1012 / 10));
    // Offset paging stops at 1,000 records (400 invalid_paging): every member page was answered, so checkpoint paging read them.
    expect(requests.filter((r) => r.operationId === 'get_organization_members').length).toBeGreaterThan(10);
    expect(requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(Object.keys(emulator.tenant.state.data.users)).toEqual(expect.arrayContaining(ids)); // detached, not deleted
  });

  it('delete detaches (or deletes) the members, then the organization and the files; a re-run finds nothing left', async () => {
    const deleted = await cli(['--json', 'delete', 'acme', '--yes', '--delete-users']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(json<{ steps: { resource: string; action: string; detail?: string }[] }>(deleted.stdout).steps).toMatchObject([
      { resource: 'users', action: 'delete', detail: '1 user(s) deleted; the member list confirms none left' },
      { resource: 'organization', action: 'delete' },
      { resource: 'files', action: 'delete' },
    ]);
    expect(orgNamed('acme')).toBeUndefined();
    expect(Object.values(emulator.tenant.state.data.users).some((u) => u['email'] === 'ann@acme.example')).toBe(false);
    const again = await cli(['--json', 'delete', 'acme', '--yes']);
    expect(again.code).toBe(0);
    expect(json<{ steps: { resource: string; action: string }[] }>(again.stdout).steps[1]).toMatchObject({ resource: 'organization', action: 'absent' });
  });
});
