import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Management, type ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { renderActionCode } from '../../src/core/action-code.js';
import { sdkFor, specComplaint, testEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let sdk: ManagementClient;
// The emulator's clock runs ahead of the real one by what the tests skip: its lags pass without waiting.
let skipped = 0;
const skip = (ms: number) => void (skipped += ms);
beforeAll(async () => {
  emulator = await testEmulator({ actionBuildMs: 20, actionDeployMs: 300, searchLagMs: 400, now: () => Date.now() + skipped });
  sdk = sdkFor(emulator);
});
afterAll(() => emulator.close());

const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bodyOf = (e: unknown) => (e as Management.BadRequestError).body as { message: string };
async function builtAction(name: string, code: string) {
  const action = await sdk.actions.create({ name, supported_triggers: postLogin, code, runtime: 'node22' });
  skip(20);
  expect((await sdk.actions.get(action.id!)).status).toBe('built');
  return action.id!;
}
const bind = (id: string) =>
  sdk.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: id }, display_name: 'x' }] });

describe('Actions deploy in the background (--action-deploy-ms)', () => {
  it("answers 400 with Auth0's message when binding before the deployment completed", async () => {
    const id = await builtAction('slow-deploy', 'exports.onExecutePostLogin = async () => {};');
    const version = await sdk.actions.deploy(id);
    expect(version.deployed).toBe(false);
    expect((await sdk.actions.get(id)).deployed_version?.deployed).toBe(false);
    const early = await bind(id).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(Management.BadRequestError);
    expect(bodyOf(early).message).toBe('Trying to create a binding for an action that has not been deployed yet');
    skip(300);
    expect((await sdk.actions.get(id)).deployed_version?.deployed).toBe(true);
    expect((await bind(id)).bindings).toHaveLength(1);
    await sdk.actions.triggers.bindings.updateMany('post-login', { bindings: [] });
  });

  it('lists trigger versions and runtimes, and refuses others', async () => {
    const triggers = await sdk.actions.triggers.list();
    expect(specComplaint(emulator, 'get_triggers', 200, triggers)).toBeNull();
    expect(triggers.triggers?.find((t) => t.id === 'post-login' && t.version === 'v3')?.runtimes).toContain('node22');
    const badRuntime = await sdk.actions.create({ name: 'old', supported_triggers: postLogin, code: '', runtime: 'node12' }).catch((e: unknown) => e);
    expect(bodyOf(badRuntime).message).toContain('node12');
    const badVersion = await sdk.actions.create({ name: 'v9', supported_triggers: [{ id: 'post-login', version: 'v9' }], code: '' }).catch((e: unknown) => e);
    expect(badVersion).toBeInstanceOf(Management.BadRequestError);
  });
});

describe('client_metadata and GET /clients?q', () => {
  it('merges client_metadata at the top level on PATCH, null removing a key; string values of at most 255 characters, 10 keys', async () => {
    const client = await sdk.clients.create({ name: 'meta', client_metadata: { a: '1', b: '2' } });
    const patched = await sdk.clients.update(client.client_id!, { client_metadata: { b: null, c: '3' } } as never);
    expect(patched.client_metadata).toEqual({ a: '1', c: '3' });
    const long = await sdk.clients.update(client.client_id!, { client_metadata: { d: 'x'.repeat(256) } }).catch((e: unknown) => e);
    expect(bodyOf(long).message).toContain('client_metadata.d');
    const number = await sdk.clients.create({ name: 'n', client_metadata: { n: 1 } as never }).catch((e: unknown) => e);
    expect(number).toBeInstanceOf(Management.BadRequestError);
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = await sdk.clients.update(client.client_id!, { client_metadata: many }).catch((e: unknown) => e);
    expect(bodyOf(tooMany).message).toContain('maximum 10');
    expect((await sdk.clients.get(client.client_id!)).client_metadata).toEqual({ a: '1', c: '3' });
  });

  it('accepts only the q Auth0 documents for clients', async () => {
    const bad = await sdk.clients.list({ q: 'client_metadata.tenant:acme' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Management.BadRequestError);
    const res = await fetch(`${emulator.url}/api/v2/clients?q=${encodeURIComponent('client_grant.allow_any_organization:true')}&take=10`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ clients: [] });
  });
});

async function token(): Promise<string> {
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

describe('APIs', () => {
  it("gives a new API Auth0's default access policy", async () => {
    const api = await sdk.resourceServers.create({ identifier: 'https://default-policy.example.com' });
    expect(api.subject_type_authorization).toEqual({ user: { policy: 'allow_all' }, client: { policy: 'require_client_grant' } });
  });

  it('refuses access policies on a tenant without them', async () => {
    const bare = await testEmulator({ apiAccessPolicies: false });
    try {
      const other = sdkFor(bare);
      const refused = await other.resourceServers
        .create({ identifier: 'https://p.example.com', subject_type_authorization: { user: { policy: 'require_client_grant' } } })
        .catch((e: unknown) => e);
      expect(bodyOf(refused).message).toContain('subject_type_authorization');
      expect((await other.resourceServers.create({ identifier: 'https://p.example.com' })).subject_type_authorization).toBeUndefined();
    } finally {
      await bare.close();
    }
  });
});

describe('users: search lag and export jobs', () => {
  it('user search trails writes by --search-lag; users-by-email does not', async () => {
    const user = await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email: 'lag@example.com',
      password: 'Str0ng-pass',
      app_metadata: { tenant: 'lagging' },
    });
    const search = async () => (await sdk.users.list({ q: 'app_metadata.tenant:"lagging"', search_engine: 'v3' })).data.length;
    expect(await search()).toBe(0);
    expect(await sdk.users.listUsersByEmail({ email: 'lag@example.com' })).toHaveLength(1);
    skip(400);
    expect(await search()).toBe(1);
    await sdk.users.update(user.user_id!, { app_metadata: { tenant: null } } as never);
    expect(await search()).toBe(1); // the index still shows the old tenant
    skip(400);
    expect(await search()).toBe(0);
  });

  it('exports every user through a job: gzip, one JSON object per line, the requested fields', async () => {
    await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email: 'exp@example.com',
      password: 'Str0ng-pass',
      app_metadata: { tenant: 'exported' },
    });
    const job = await sdk.jobs.usersExports.create({
      format: 'json',
      fields: [{ name: 'user_id' }, { name: 'app_metadata' }, { name: 'email', export_as: 'mail' }],
    });
    expect(job).toMatchObject({ type: 'users_export', status: 'pending' });
    expect(specComplaint(emulator, 'post_users-exports', 200, job)).toBeNull();
    let done = await sdk.jobs.get(job.id);
    for (let i = 0; i < 50 && done.status !== 'completed'; i++) {
      await sleep(50);
      done = await sdk.jobs.get(job.id);
    }
    expect(done.status).toBe('completed');
    const file = Buffer.from(await (await fetch(String(done.location))).arrayBuffer());
    const records = gunzipSync(file)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ mail: 'exp@example.com', app_metadata: { tenant: 'exported' } }));
  });
});

describe('the Action rendered with any claim name', () => {
  it('keeps $&, $`, quotes and backslashes as written: a login gets exactly that claim', async () => {
    const claim = "https://x.example.com/$&/$`/$'/\"q'\\b/tenant";
    const code = renderActionCode(readFileSync(new URL('../../templates/post-login-action.js', import.meta.url), 'utf8'), claim, true);
    expect(code).not.toContain('__TENANT_CLAIM__');
    const id = await builtAction('rendered', code);
    await sdk.actions.deploy(id);
    skip(300);
    await bind(id);
    const app = await sdk.clients.create({ name: 'rendered-app', app_type: 'spa', client_metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' } });
    await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email: 'claim@acme.example',
      password: 'Str0ng-pass',
      app_metadata: { tenant: 'acme' },
    });
    await sdk.resourceServers.create({ identifier: 'https://api.rendered.example.com' });
    const res = await fetch(`${emulator.url}/__emulator/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: app.client_id,
        username: 'claim@acme.example',
        password: 'Str0ng-pass',
        audience: 'https://api.rendered.example.com',
        scope: 'openid',
      }),
    });
    expect(res.status).toBe(200);
    const claims = decodeJwt(((await res.json()) as { access_token: string }).access_token);
    expect(claims[claim]).toBe('acme');
  });
});
