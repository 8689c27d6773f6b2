import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir, writes } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.safety.example.com';
const NAMESPACE = 'https://safety.example.com/';
let emulator: RunningEmulator;
let sdk: ManagementClient;
const work = tempDir('tenants-safety-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd = work.path) => runCli(args, { cwd, env: { ...env, ...extra } });
const errorOf = (stdout: string) => (JSON.parse(stdout) as { error: { code: string; message: string; hint?: string } }).error;
const clientNamed = async (name: string) => (await sdk.clients.list({ per_page: 100 })).data.find((c) => c.name === name)!;
/** globex made by this file's first test; made here when a test that needs it runs first. */
const ensureGlobex = async () => {
  const ours = Object.values(emulator.tenant.state.data.clients).some((c) => {
    const meta = c['client_metadata'] as Record<string, string> | undefined;
    return meta?.['tenants_managed_by'] === 'auth0-tenants' && meta['tenant'] === 'globex';
  });
  if (!ours || !existsSync(join(work.path, 'tenants', 'globex', 'tenant.json'))) expect((await cli(['create', 'globex'])).code).toBe(0);
};
let legacyId: string;
let otherAcmeId: string;

beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
  env = credentialsEnv(emulator);
  expect((await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE])).code).toBe(0);
  // Another team's applications on the same Auth0 tenant, with a `tenant` key of their own.
  legacyId = (
    await sdk.clients.create({
      name: 'Other Team',
      app_type: 'regular_web',
      callbacks: ['https://other.example.com/cb'],
      client_metadata: { tenant: 'legacy', team: 'billing' },
    })
  ).client_id!;
  otherAcmeId = (await sdk.clients.create({ name: 'Their Acme', app_type: 'regular_web', client_metadata: { tenant: 'acme' } })).client_id!;
  await sdk.clients.create({ name: 'Odd', app_type: 'regular_web', client_metadata: { tenant: 'Other Team' } });
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('ownership', () => {
  it('marks what it creates, and every command leaves unmarked applications alone', async () => {
    const from = emulator.requests.length;
    const refused = await cli(['--json', 'create', 'acme']);
    expect(refused.code).toBe(2);
    expect(errorOf(refused.stdout)).toMatchObject({ code: 'application_not_ours' });
    expect(errorOf(refused.stdout).message).toContain(otherAcmeId);
    expect(errorOf(refused.stdout).hint).toContain('--adopt');
    expect(writes(emulator, from)).toEqual([]);

    const created = await cli(['create', 'globex']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`Auth0 tenant: ${emulator.domain}`);
    expect((await clientNamed('globex')).client_metadata).toEqual({
      tenant: 'globex',
      tenants_managed_by: 'auth0-tenants',
      tenants_created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // Other tests of this file add tenants of their own: whatever ran before, no unmarked application is listed.
    const list = (JSON.parse((await cli(['--json', 'list'])).stdout) as { tenants: { tenant: string; clientId: string }[] }).tenants;
    expect(list.map((t) => t.tenant)).toContain('globex');
    expect(list.map((t) => t.clientId)).not.toEqual(expect.arrayContaining([legacyId]));
    expect(list.map((t) => t.clientId)).not.toEqual(expect.arrayContaining([otherAcmeId]));
    expect((await cli(['--json', 'show', 'legacy'])).code).toBe(2);
    expect((await cli(['--json', 'emit', 'legacy'])).code).toBe(2);
    expect((await cli(['--json', 'users', 'add', 'legacy', 'x@example.com'])).code).toBe(2);
    const del = await cli(['--json', 'delete', 'acme', '--yes']);
    expect(errorOf(del.stdout).code).toBe('application_not_ours');

    writeFileSync(join(work.path, 'tenants.yaml'), 'tenants:\n  - globex\n');
    const prune = await cli(['--json', 'sync', 'tenants.yaml', '--prune', '--yes']);
    expect(prune.code).toBe(0);
    const left = (await sdk.clients.list({ per_page: 100 })).data.map((c) => c.client_id);
    expect(left).toEqual(expect.arrayContaining([legacyId, otherAcmeId]));
    writeFileSync(join(work.path, 'acme.yaml'), 'tenants:\n  - acme\n');
    expect(errorOf((await cli(['--json', 'sync', 'acme.yaml'])).stdout).code).toBe('application_not_ours');

    const doctor = JSON.parse((await cli(['--json', 'doctor'])).stdout) as { findings: { code: string; severity: string; message: string; fix: string }[] };
    const foreign = doctor.findings.filter((f) => f.code === 'application_foreign');
    expect(foreign).toHaveLength(3);
    expect(foreign.every((f) => f.severity === 'info' && !/tenants (create|delete|sync)/.test(f.fix))).toBe(true);
    expect(doctor.findings.some((f) => /create Other Team/.test(f.fix))).toBe(false);
  });

  it('--adopt takes an unmarked application over, keeping its other metadata', async () => {
    // Its own unmarked application: the shared foreign ones stay foreign for the other tests, whatever the order.
    const heritageId = (await sdk.clients.create({ name: 'Heritage', app_type: 'regular_web', client_metadata: { tenant: 'heritage', team: 'billing' } }))
      .client_id!;
    const adopted = await cli(['create', 'heritage', '--adopt']);
    expect(adopted.code).toBe(0);
    const app = await sdk.clients.get(heritageId);
    expect(app.client_metadata).toEqual({ tenant: 'heritage', team: 'billing', tenants_managed_by: 'auth0-tenants' });
    expect(app.app_type).toBe('spa');
  });

  it("the Action guards only our applications, whatever another team's metadata says", async () => {
    await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email: 'gail@globex.example',
      password: 'Str0ng-pass',
      app_metadata: { tenant: 'globex' },
    });
    await sdk.clientGrants.create({ client_id: otherAcmeId, audience: AUDIENCE, scope: [], subject_type: 'user' } as never);
    await sdk.clients.update(otherAcmeId, { grant_types: ['authorization_code', 'password'] } as never);
    const login = async (clientId: string) =>
      fetch(`${emulator.url}/__emulator/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, username: 'gail@globex.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' }),
      });
    const theirs = await login(otherAcmeId);
    expect(theirs.status).toBe(200);
    expect(decodeJwt(((await theirs.json()) as { access_token: string }).access_token)[`${NAMESPACE}tenant`]).toBe('globex');
    expect((await cli(['create', 'guarded'])).code).toBe(0);
    const ours = await login((await clientNamed('guarded')).client_id!);
    expect(ours.status).toBe(403);
  });
});

describe('refusing before any write', () => {
  const config = () => JSON.parse(readFileSync(join(work.path, 'tenants.config.json'), 'utf8')) as Record<string, unknown>;

  it.each([
    ['http://evil.example.com/cb', 'invalid_url'],
    ['javascript:alert(1)', 'invalid_url'],
    ['https://*.example.com/cb', 'wildcard_url'],
  ])('refuses the callback %s (%s), in --dry-run too', async (url, code) => {
    const dir = tempDir('tenants-refuse-');
    try {
      writeFileSync(join(dir.path, 'tenants.config.json'), JSON.stringify({ ...config(), application: { callbacks: [url] } }));
      const from = emulator.requests.length;
      for (const args of [
        ['create', 'initech'],
        ['create', 'initech', '--dry-run'],
      ]) {
        const run = await cli(['--json', ...args], {}, dir.path);
        expect(run.code).toBe(2);
        expect(errorOf(run.stdout)).toMatchObject({ code });
        expect(errorOf(run.stdout).message).toContain('callbacks');
      }
      writeFileSync(join(dir.path, 'm.yaml'), 'tenants:\n  - initech\n');
      expect(errorOf((await cli(['--json', 'sync', 'm.yaml', '--dry-run'], {}, dir.path)).stdout).code).toBe(code);
      expect(emulator.requests.slice(from)).toEqual([]);
      if (code === 'wildcard_url') {
        const allowed = await cli(['create', 'initech', '--allow-wildcards'], {}, dir.path);
        expect(allowed.code).toBe(0);
        expect(allowed.stderr).toContain('Warning');
      }
    } finally {
      dir.remove();
    }
  });

  it('refuses claim namespaces under Auth0 domains or with pattern characters', async () => {
    const dir = tempDir('tenants-ns-');
    try {
      for (const ns of ['https://auth0.com/', 'https://x.webtask.io/', 'https://x.example.com/$&/', 'http://x.example.com/']) {
        const run = await cli(['--json', 'init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', ns], {}, dir.path);
        expect(run.code).toBe(2);
        expect(errorOf(run.stdout).message).toContain('claim-namespace');
      }
    } finally {
      dir.remove();
    }
  });

  it('refuses an output folder it cannot write, and the application limit in --dry-run', async () => {
    const dir = tempDir('tenants-out-');
    try {
      // A file where the folder should be: unwritable for root too (permission bits are not, for root).
      writeFileSync(join(dir.path, 'taken'), 'a file');
      writeFileSync(join(dir.path, 'tenants.config.json'), JSON.stringify({ ...config(), outputDir: 'taken/tenants/' }));
      const from = emulator.requests.length;
      const run = await cli(['--json', 'create', 'hooli'], {}, dir.path);
      expect(errorOf(run.stdout).code).toBe('output_not_writable');
      expect(emulator.requests.slice(from)).toEqual([]);
      writeFileSync(join(dir.path, 'tenants.config.json'), JSON.stringify({ ...config(), applicationLimit: 3 }));
      const limited = await cli(['--json', 'create', 'hooli', 'umbrella', '--dry-run'], {}, dir.path);
      expect(limited.code).toBe(2);
      expect(errorOf(limited.stdout).code).toBe('application_limit');
    } finally {
      dir.remove();
    }
  });
});

describe('knowing the target', () => {
  it('refuses AUTH0_DOMAIN that is not the config domain; doctor reports it', async () => {
    const from = emulator.requests.length;
    const run = await cli(['--json', 'create', 'globex'], { AUTH0_DOMAIN: 'other-tenant.eu.auth0.com' });
    expect(run.code).toBe(2);
    expect(errorOf(run.stdout)).toMatchObject({ code: 'domain_mismatch' });
    expect(errorOf(run.stdout).hint).toContain(emulator.domain);
    const doctor = await cli(['--json', 'doctor'], { AUTH0_DOMAIN: 'other-tenant.eu.auth0.com' });
    expect(doctor.code).toBe(1);
    expect((JSON.parse(doctor.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['domain_mismatch']);
    expect(emulator.requests.slice(from)).toEqual([]);
  });

  it('reads the granted scopes from the token and refuses before the first write, naming each', async () => {
    expect((await cli(['create', 'hooli'])).code).toBe(0);
    const limited = await sdk.clients.create({ name: 'read-only M2M', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await sdk.clientGrants.create({
      client_id: limited.client_id!,
      audience: `https://${emulator.domain}/api/v2/`,
      scope: ['read:clients', 'read:resource_servers', 'read:client_grants', 'read:actions', 'read:users'],
    });
    const limitedEnv = { AUTH0_CLIENT_ID: limited.client_id!, AUTH0_CLIENT_SECRET: limited.client_secret! };
    const from = emulator.requests.length;
    const run = await cli(['--json', 'create', 'initrode'], limitedEnv);
    expect(run.code).toBe(4);
    expect(errorOf(run.stdout)).toMatchObject({ code: 'scope_missing' });
    expect(errorOf(run.stdout).message).toContain('create:clients');
    expect(errorOf(run.stdout).message).toContain('create:client_grants');
    expect(writes(emulator, from)).toEqual([]);
    const invite = await cli(['--json', 'users', 'invite', 'hooli', 'new.person@hooli.example'], limitedEnv);
    expect(invite.code).toBe(4);
    expect(errorOf(invite.stdout).message).toContain('create:user_tickets');
    expect(writes(emulator, from)).toEqual([]);
    const doctor = JSON.parse((await cli(['--json', 'doctor'], limitedEnv)).stdout) as { healthy: boolean; findings: { code: string; message: string }[] };
    expect(doctor.healthy).toBe(false);
    expect(doctor.findings.find((f) => f.code === 'scopes_missing')?.message).toContain('delete:clients');
  });
});

describe('emitted files edited by hand', () => {
  it('are refused with a code naming the file, overwritten with --force, their mode kept', async () => {
    await ensureGlobex();
    const dir = join(work.path, 'tenants', 'globex');
    const original = readFileSync(join(dir, 'tenant.json'), 'utf8');
    writeFileSync(join(dir, 'tenant.json'), original.replace('"leewaySeconds": 30', '"leewaySeconds": 300'));
    writeFileSync(join(dir, 'spa.env'), 'EDITED=1\n');
    chmodSync(join(dir, 'spa.env'), 0o600);
    for (const args of [
      ['emit', 'globex'],
      ['create', 'globex'],
    ]) {
      const run = await cli(['--json', ...args]);
      expect(run.code).toBe(2);
      expect(errorOf(run.stdout)).toMatchObject({ code: 'file_edited' });
      expect(errorOf(run.stdout).message).toMatch(/tenant\.json|spa\.env/);
    }
    expect(readFileSync(join(dir, 'spa.env'), 'utf8')).toBe('EDITED=1\n');
    expect((await cli(['emit', 'globex', '--force'])).code).toBe(0);
    expect(readFileSync(join(dir, 'tenant.json'), 'utf8')).toBe(original);
    expect(readFileSync(join(dir, 'spa.env'), 'utf8')).toContain('VITE_AUTH0_CLIENT_ID');
    expect(statSync(join(dir, 'spa.env')).mode & 0o777).toBe(0o600);
    expect((await cli(['emit', 'globex'])).code).toBe(0);
  });
});

describe("init against Auth0's behaviour", () => {
  it('on a tenant without API access policies, fails with the config switch that turns the policy off', async () => {
    const bare = await testEmulator({ apiAccessPolicies: false });
    const dir = tempDir('tenants-nopolicy-');
    try {
      const args = ['--json', 'init', '--no-input', '--domain', bare.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE];
      const run = await runCli(args, { cwd: dir.path, env: credentialsEnv(bare) });
      expect(run.code).toBe(2);
      expect(errorOf(run.stdout)).toMatchObject({ code: 'api_policies_unavailable' });
      expect(errorOf(run.stdout).hint).toContain('"requireClientGrant": false');
      expect(Object.values(bare.tenant.state.data.resourceServers).filter((rs) => !rs['is_system'])).toEqual([]);
      const off = await runCli([...args, '--no-require-client-grant'], { cwd: dir.path, env: credentialsEnv(bare) });
      expect(off.code, off.stderr).toBe(0);
    } finally {
      await bare.close();
      dir.remove();
    }
  });

  it('users add looks up the lower-cased address (users-by-email is exact)', async () => {
    await ensureGlobex();
    await sdk.users.create({ connection: 'Username-Password-Authentication', email: 'alice@example.com', password: 'Str0ng-pass' });
    const run = await cli(['--json', 'users', 'add', 'globex', 'Alice@Example.com']);
    expect(run.code, run.stderr).toBe(0);
    expect((await sdk.users.listUsersByEmail({ email: 'alice@example.com' }))[0]?.app_metadata).toEqual({ tenant: 'globex' });
  });
});
