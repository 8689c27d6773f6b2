import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.invite.example.com';
let emulator: RunningEmulator;
let sdk: ManagementClient;
const work = tempDir('tenants-invite-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[]) => runCli(args, { cwd: work.path, env });
const clientOf = (t: string) => (JSON.parse(readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8')) as { clientId: string }).clientId;
const usersByEmail = (email: string) => sdk.users.listUsersByEmail({ email });

interface Invited {
  email: string;
  userId: string;
  created: boolean;
  action: string;
  from: string | null;
  ticketUrl: string;
}

beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
  env = credentialsEnv(emulator);
  expect(
    (await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://invite.example.com/'])).code,
  ).toBe(0);
  const configFile = join(work.path, 'tenants.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { application: Record<string, unknown> };
  config.application = { ...config.application, callbacks: ['https://{tenant}.app.example.com/callback'] };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  expect((await cli(['create', 'acme', 'globex'])).code).toBe(0);
  await sdk.users.create({
    connection: 'Username-Password-Authentication',
    email: 'gus@globex.example',
    password: 'Str0ng-pass',
    app_metadata: { tenant: 'globex' },
  });
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('tenants users invite', () => {
  it('creates the user unverified with a hidden password, puts it into the tenant and prints a ticket back to the app', async () => {
    const first = await cli(['users', 'invite', 'acme', 'Nina@Acme.example', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const { tenant, users } = JSON.parse(first.stdout) as { tenant: string; users: Invited[] };
    expect(tenant).toBe('acme');
    expect(users).toEqual([
      {
        email: 'nina@acme.example',
        userId: expect.stringMatching(/^auth0\|/),
        created: true,
        action: 'add',
        from: null,
        ticketUrl: expect.stringMatching(new RegExp(`^https://${emulator.domain}/lo/reset\\?ticket=`)),
      },
    ]);
    expect(first.stdout + first.stderr).not.toMatch(/password"\s*:/);
    const [nina] = await usersByEmail('nina@acme.example');
    expect(nina).toMatchObject({ email_verified: false, app_metadata: { tenant: 'acme' } });

    // The person opens the link, sets a password, is sent to acme's first callback, and can log in.
    const ticket = new URL(users[0]!.ticketUrl).searchParams.get('ticket')!;
    expect(await (await fetch(users[0]!.ticketUrl)).text()).toContain('nina@acme.example');
    const set = await fetch(`${emulator.url}/lo/reset`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ticket, password: 'Nina-s3cret', confirm: 'Nina-s3cret' }),
    });
    expect(set.status).toBe(302);
    expect(set.headers.get('location')).toMatch(/^https:\/\/acme\.app\.example\.com\/callback\?success=true/);
    const login = await fetch(`${emulator.url}/__emulator/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientOf('acme'), username: 'nina@acme.example', password: 'Nina-s3cret', audience: AUDIENCE, scope: 'openid' }),
    });
    expect(login.status).toBe(200);
    expect((await usersByEmail('nina@acme.example'))[0]?.email_verified).toBe(true);
  });

  it('is idempotent: a second run finds the user, changes nothing and issues a fresh link', async () => {
    // Its own address: the first run (whatever ran before) creates Otto, the second finds him.
    expect((await cli(['users', 'invite', 'acme', 'otto@acme.example'])).code).toBe(0);
    const again = await cli(['users', 'invite', 'acme', 'otto@acme.example', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { users: Invited[] }).users).toMatchObject([{ created: false, action: 'unchanged', from: 'acme' }]);
    expect(await usersByEmail('otto@acme.example')).toHaveLength(1);
    const table = await cli(['users', 'invite', 'acme', 'otto@acme.example']);
    expect(table.stdout).toMatch(/otto@acme\.example\s+already a member\s+https:\/\//);
  });

  it("refuses another tenant's user unless --move, and bad addresses before sending anything", async () => {
    const refused = await cli(['users', 'invite', 'acme', 'new@acme.example', 'gus@globex.example']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('gus@globex.example belongs to tenant globex');
    expect(await usersByEmail('new@acme.example')).toHaveLength(0);
    const before = emulator.requests.length;
    const bad = await cli(['users', 'invite', 'acme', 'not-an-email']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[invalid_email]');
    expect(emulator.requests.length).toBe(before);
    const moved = await cli(['users', 'invite', 'acme', 'gus@globex.example', '--move', '--json']);
    expect(moved.code).toBe(0);
    expect((JSON.parse(moved.stdout) as { users: Invited[] }).users).toMatchObject([{ action: 'move', from: 'globex', created: false }]);
    expect((await usersByEmail('gus@globex.example'))[0]?.app_metadata?.['tenant']).toBe('acme');
  });
});
