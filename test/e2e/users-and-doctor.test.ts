import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.users.example.com';
const CLAIM = 'https://users.example.com/tenant';
let emulator: RunningEmulator;
let sdk: ManagementClient;
const work = tempDir('tenants-users-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[], extra: { env?: NodeJS.ProcessEnv } = {}) => runCli(args, { cwd: work.path, env: { ...env, ...extra.env } });
const settings = (t: string) => JSON.parse(readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8')) as { clientId: string };
const appOf = (tenant: string) => settings(tenant).clientId;
const tenantOf = async (email: string) => (await sdk.users.listUsersByEmail({ email }))[0]?.app_metadata?.['tenant'];

async function login(tenantApp: string, username: string) {
  const res = await fetch(`${emulator.url}/__emulator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: appOf(tenantApp), username, password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' }),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string; error_description?: string } };
}

beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
  env = credentialsEnv(emulator);
  expect((await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://users.example.com/'])).code).toBe(
    0,
  );
  expect((await cli(['create', 'acme', 'globex'])).code).toBe(0);
  await createUsers(['ann@acme.example', 'amy@acme.example']);
  // The logins below need Ann in acme (Amy in no tenant); every test that changes users uses tenants and users of its own.
  expect((await cli(['users', 'add', 'acme', 'ann@acme.example'])).code).toBe(0);
});
async function createUsers(emails: string[]): Promise<void> {
  for (const email of emails) await sdk.users.create({ connection: 'Username-Password-Authentication', email, password: 'Str0ng-pass' });
}
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('tenants users', () => {
  it('adds users to a tenant, refuses to move one without --move, and lists them', async () => {
    expect((await cli(['create', 'initech', 'hooli'])).code).toBe(0);
    await createUsers(['ivy@initech.example', 'ian@initech.example', 'ike@initech.example', 'hal@hooli.example']);
    const added = await cli(['users', 'add', 'initech', 'ivy@initech.example', '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ tenant: 'initech', users: [{ ref: 'ivy@initech.example', action: 'add' }] });
    expect(await tenantOf('ivy@initech.example')).toBe('initech');
    writeFileSync(join(work.path, 'more.txt'), '# initech staff\nian@initech.example\n\nike@initech.example\n');
    expect((await cli(['users', 'add', 'initech', '--file', 'more.txt'])).code).toBe(0);
    const hal = (await sdk.users.listUsersByEmail({ email: 'hal@hooli.example' }))[0]!;
    expect((await cli(['users', 'add', 'hooli', hal.user_id!])).code).toBe(0);

    const refused = await cli(['users', 'add', 'hooli', 'ivy@initech.example', 'ian@initech.example']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('belongs to tenant initech');
    expect(refused.stderr).toContain('--move');
    expect(await tenantOf('ivy@initech.example')).toBe('initech');

    const unknown = await cli(['users', 'add', 'initech', 'nobody@nowhere.example']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('user_not_found');

    const moved = await cli(['users', 'add', 'hooli', 'ian@initech.example', '--move', '--json']);
    expect(JSON.parse(moved.stdout)).toMatchObject({ users: [{ action: 'move', from: 'initech' }] });
    expect((await cli(['users', 'add', 'initech', 'ian@initech.example', '--move'])).code).toBe(0);
    const again = JSON.parse((await cli(['users', 'add', 'initech', 'ivy@initech.example', '--json'])).stdout) as { users: { action: string }[] };
    expect(again.users[0]!.action).toBe('unchanged');

    const list = JSON.parse((await cli(['users', 'list', 'initech', '--json'])).stdout) as { users: { email: string }[] };
    expect(list.users.map((u) => u.email).sort()).toEqual(['ian@initech.example', 'ike@initech.example', 'ivy@initech.example']);
    const removed = await cli(['users', 'remove', 'initech', 'ike@initech.example']);
    expect(removed.code).toBe(0);
    expect(await tenantOf('ike@initech.example')).toBeUndefined();
    expect((await cli(['users', 'add', 'nosuch', 'ivy@initech.example'])).code).toBe(2);
  });

  it('the deployed Action denies a cross-tenant login and lets the same-tenant one through with the claim', async () => {
    const same = await login('acme', 'ann@acme.example');
    expect(same.status).toBe(200);
    expect(decodeJwt(same.body.access_token!)[CLAIM]).toBe('acme');
    const cross = await login('globex', 'ann@acme.example');
    expect(cross.status).toBe(403);
    expect(cross.body).toEqual({ error: 'access_denied', error_description: 'This account belongs to tenant "acme", not to tenant "globex".' });
    const nobody = await login('acme', 'amy@acme.example');
    expect(nobody.status).toBe(403);
    expect(nobody.body.error_description).toContain('no tenant');
  });

  it('the guard can be switched off in the config; init deploys the new version and the binding stays', async () => {
    const bindingBefore = (await sdk.actions.triggers.bindings.list('post-login')).data.map((b) => b.id);
    const configPath = join(work.path, 'tenants.config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, denyCrossTenantLogins: false }));
    try {
      const init = await cli(['init', '--no-input', '--json']);
      expect(init.code).toBe(0);
      expect(JSON.parse(init.stdout)).toMatchObject({
        steps: [{ action: 'unchanged' }, { resource: 'action', action: 'update' }, { resource: 'binding', action: 'unchanged' }],
      });
      expect((await sdk.actions.triggers.bindings.list('post-login')).data.map((b) => b.id)).toEqual(bindingBefore);
      expect((await login('globex', 'ann@acme.example')).status).toBe(200);
    } finally {
      writeFileSync(configPath, JSON.stringify(config));
      expect((await cli(['init', '--no-input'])).code).toBe(0);
    }
    expect((await login('globex', 'ann@acme.example')).status).toBe(403);
  });
});

describe('tenants doctor', () => {
  it('is healthy after init and create, and names a binding removed by hand with the command that fixes it', async () => {
    const healthy = await cli(['doctor', '--json']);
    expect(JSON.parse(healthy.stdout)).toMatchObject({ healthy: true });
    expect(healthy.code).toBe(0);

    await sdk.actions.triggers.bindings.updateMany('post-login', { bindings: [] });
    const broken = await cli(['doctor']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/✗ \[binding_missing\] .*post-login.* Fix: tenants init/);

    const tampered = join(work.path, 'tenants', 'globex', 'backend.env');
    writeFileSync(tampered, 'TENANT_AUTH_TENANT=acme\n');
    const json = JSON.parse((await cli(['doctor', '--json'])).stdout) as { findings: { code: string; fix: string; tenant?: string }[] };
    expect(json.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'binding_missing', fix: 'tenants init' }),
        expect.objectContaining({ code: 'files_stale', tenant: 'globex', fix: 'tenants emit globex --force (backend.env was edited by hand)' }),
      ]),
    );

    expect((await cli(['init', '--no-input'])).code).toBe(0);
    expect((await cli(['emit', 'globex'])).code).toBe(2);
    expect((await cli(['emit', 'globex', '--force'])).code).toBe(0);
    expect((await cli(['doctor'])).code).toBe(0);
  });

  it('names missing scopes of a limited M2M application', async () => {
    const reader = await sdk.clients.create({ name: 'reader', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await sdk.clientGrants.create({
      client_id: reader.client_id!,
      audience: `https://${emulator.domain}/api/v2/`,
      scope: ['read:clients', 'read:resource_servers'],
    });
    const limited = await cli(['doctor', '--json'], { env: { AUTH0_CLIENT_ID: reader.client_id!, AUTH0_CLIENT_SECRET: reader.client_secret! } });
    expect(limited.code).toBe(1);
    const codes = (JSON.parse(limited.stdout) as { findings: { code: string; message: string }[] }).findings
      .filter((f) => f.code === 'scope_missing')
      .map((f) => f.message);
    expect(codes.join(' ')).toContain('read:actions');
    expect(codes.join(' ')).toContain('read:users');
    await sdk.clients.delete(reader.client_id!);
    const wrong = await cli(['doctor'], { env: { AUTH0_CLIENT_SECRET: 'nope' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('credentials_rejected');
  });
});

describe('tenants delete with users', () => {
  it("detaches the tenant's users, or deletes them with --delete-users", async () => {
    expect((await cli(['create', 'delco', 'delgone'])).code).toBe(0);
    const delcoUsers = ['dan@delco.example', 'dee@delco.example'];
    await createUsers([...delcoUsers, 'gil@delgone.example']);
    expect((await cli(['users', 'add', 'delco', ...delcoUsers])).code).toBe(0);
    expect((await cli(['users', 'add', 'delgone', 'gil@delgone.example'])).code).toBe(0);
    const deleted = await cli(['delete', 'delco', '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({
      steps: [
        { resource: 'users', detail: '2 user(s) detached; search confirms none left' },
        { resource: 'application', action: 'delete' },
        { resource: 'files' },
      ],
    });
    for (const email of delcoUsers) expect(await tenantOf(email)).toBeUndefined();

    const gone = await cli(['delete', 'delgone', '--yes', '--delete-users']);
    expect(gone.code).toBe(0);
    expect(await sdk.users.listUsersByEmail({ email: 'gil@delgone.example' })).toEqual([]);
    expect(await sdk.users.listUsersByEmail({ email: 'dan@delco.example' })).toHaveLength(1);
    expect(await tenantOf('ann@acme.example')).toBe('acme'); // other tenants' users untouched
  });
});
