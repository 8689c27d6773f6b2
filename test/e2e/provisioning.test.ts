import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, snapshot, tempDir, writes } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.saas.example.com';
const NAMESPACE = 'https://saas.example.com/';

let emulator: RunningEmulator;
let sdk: ManagementClient;
const work = tempDir('tenants-e2e-prov-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: work.path, env: { ...env, ...extra } });
const init = () => cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE]);

const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
/** Whether `tenant` has its application of ours in the emulator and its files in the workspace. */
const made = (tenant: string) =>
  existsSync(join(work.path, 'tenants', tenant, 'tenant.json')) &&
  Object.values(emulator.tenant.state.data.clients).some((c) => (c['client_metadata'] as Record<string, string> | undefined)?.['tenant'] === tenant);
/** init and acme and globex, as a test that needs them expects them whatever ran before it (both converge; skipped when there). */
const project = async () => {
  if (existsSync(join(work.path, 'tenants.config.json')) && made('acme') && made('globex')) return;
  expect((await init()).code).toBe(0);
  expect((await cli(['create', 'acme', 'globex'])).code).toBe(0);
};

beforeAll(async () => {
  emulator = await testEmulator({ actionBuildMs: 300 });
  sdk = sdkFor(emulator);
  env = credentialsEnv(emulator);
  // Someone else's Action is already bound to post-login: it must stay bound, and first.
  const foreign = await sdk.actions.create({ name: 'audit-logins', supported_triggers: postLogin, code: 'exports.onExecutePostLogin = async () => {};' });
  for (let i = 0; i < 50 && (await sdk.actions.get(foreign.id!)).status !== 'built'; i++) await new Promise((r) => setTimeout(r, 50));
  await sdk.actions.deploy(foreign.id!);
  await sdk.actions.triggers.bindings.updateMany('post-login', {
    bindings: [{ ref: { type: 'action_id', value: foreign.id! }, display_name: 'audit-logins' }],
  });
  // And an application that is not ours.
  await sdk.clients.create({ name: 'untagged legacy app', app_type: 'spa', client_metadata: { owner: 'someone-else' } });
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('init, then create twice', () => {
  it('converges: one API, one Action bound once after the foreign one, one tagged application per tenant', async () => {
    const first = await init();
    expect(first.stderr).not.toContain('Error');
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(work.path, 'tenants.config.json'), 'utf8'))).toMatchObject({
      $schema: './tenants.config.schema.json',
      domain: emulator.domain,
      audience: AUDIENCE,
      claimNamespace: NAMESPACE,
      outputDir: 'tenants/',
    });
    expect(existsSync(join(work.path, 'tenants.config.schema.json'))).toBe(true);

    const created = await cli(['create', 'acme', 'globex']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('acme');

    // Second runs: no writes at all, counted at the server.
    const mark = emulator.requests.length;
    const filesBefore = snapshot(work.path);
    const again = await init();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already up to date');
    const createdAgain = await cli(['create', 'acme', 'globex', '--json']);
    expect(createdAgain.code).toBe(0);
    expect(JSON.parse(createdAgain.stdout)).toMatchObject({ changed: false });
    expect(writes(emulator, mark)).toEqual([]);
    expect(snapshot(work.path)).toEqual(filesBefore);

    const clients = (await sdk.clients.list({ per_page: 100 })).data;
    for (const tenant of ['acme', 'globex']) {
      const tagged = clients.filter((c) => c.client_metadata?.['tenant'] === tenant);
      expect(tagged).toHaveLength(1);
      expect(tagged[0]).toMatchObject({
        app_type: 'spa',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        oidc_conformant: true,
        jwt_configuration: { alg: 'RS256' },
        refresh_token: { rotation_type: 'rotating' },
      });
      const grants = (await sdk.clientGrants.list({ client_id: tagged[0]!.client_id! })).data;
      expect(grants).toEqual([expect.objectContaining({ audience: AUDIENCE, subject_type: 'user' })]);
    }
    const apis = (await sdk.resourceServers.list()).data.filter((rs) => rs.identifier === AUDIENCE);
    expect(apis).toHaveLength(1);
    expect(apis[0]).toMatchObject({ signing_alg: 'RS256', subject_type_authorization: { user: { policy: 'require_client_grant' } } });
    const bindings = (await sdk.actions.triggers.bindings.list('post-login')).data;
    expect(bindings.map((b) => b.action?.name)).toEqual(['audit-logins', 'auth0-tenants-tenant-claim']);
    const action = bindings[1]!.action!;
    expect(action.runtime).toBe('node22');
    expect(action.code).toContain(`${NAMESPACE}tenant`);
    expect(action.code).toContain('api.accessToken.setCustomClaim');
    expect(action.code).toContain('api.idToken.setCustomClaim');

    const settings = JSON.parse(readFileSync(join(work.path, 'tenants', 'acme', 'tenant.json'), 'utf8')) as Record<string, unknown>;
    const acmeId = clients.find((c) => c.client_metadata?.['tenant'] === 'acme')!.client_id;
    expect(settings).toEqual({
      schemaVersion: 1,
      tenant: 'acme',
      issuer: `https://${emulator.domain}/`,
      jwksUri: `https://${emulator.domain}/.well-known/jwks.json`,
      audience: AUDIENCE,
      clientId: acmeId,
      clientIdClaim: 'azp',
      tenantClaim: `${NAMESPACE}tenant`,
      algorithms: ['RS256'],
      leewaySeconds: 30,
    });
    expect(Object.keys(settings)).toEqual([
      'schemaVersion',
      'tenant',
      'issuer',
      'jwksUri',
      'audience',
      'clientId',
      'clientIdClaim',
      'tenantClaim',
      'algorithms',
      'leewaySeconds',
    ]);
    const spaEnv = readFileSync(join(work.path, 'tenants', 'acme', 'spa.env'), 'utf8');
    expect(spaEnv).toContain(`VITE_AUTH0_AUDIENCE=${AUDIENCE}`);
    expect(spaEnv).toContain(`VITE_AUTH0_CLIENT_ID=${acmeId}`);
    expect(readFileSync(join(work.path, 'tenants', 'acme', 'backend.env'), 'utf8')).toContain(`TENANT_AUTH_CLIENT_ID=${acmeId}`);

    // The Management API secret is nowhere: not in any output, not in any file.
    for (const output of [first, created, again, createdAgain]) expect(output.stdout + output.stderr).not.toContain(emulator.clientSecret);
    for (const content of Object.values(snapshot(work.path))) expect(content).not.toContain(emulator.clientSecret);
  });

  it('repairs a drifted application setting and leaves the rest', async () => {
    await project();
    const acme = (await sdk.clients.list({ per_page: 100 })).data.find((c) => c.client_metadata?.['tenant'] === 'acme')!;
    await sdk.clients.update(acme.client_id!, { token_endpoint_auth_method: 'client_secret_post', client_metadata: { tenant: 'acme', crm: 'A-17' } });
    const mark = emulator.requests.length;
    const dry = await cli(['create', 'acme', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { items: { tenant: string; action: string; changes?: string[] }[] };
    expect(plan.items).toEqual([expect.objectContaining({ tenant: 'acme', action: 'update', changes: ['token_endpoint_auth_method'] })]);
    expect(writes(emulator, mark)).toEqual([]);

    const fixed = await cli(['create', 'acme']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('token_endpoint_auth_method');
    const after = await sdk.clients.get(acme.client_id!);
    expect(after.token_endpoint_auth_method).toBe('none');
    expect(after.client_metadata).toEqual({
      tenant: 'acme',
      crm: 'A-17',
      tenants_managed_by: 'auth0-tenants',
      tenants_created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The repair, inside the run's lease (created, then deleted at the end).
    expect(writes(emulator, mark).map((w) => w.operationId)).toEqual(['post_resource-servers', 'patch_clients_by_id', 'delete_resource-servers_by_id']);
  });

  it('refuses bad tenant ids with exit 2 before sending or writing anything', async () => {
    const before = snapshot(work.path);
    for (const bad of ['Acme', '../x', 'has space', '', 'a'.repeat(64), '-lead', 'trail-']) {
      const mark = emulator.requests.length;
      const result = await cli(['create', 'okay', '--', bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toContain('invalid_tenant_id');
      expect(result.stdout).toBe('');
      expect(emulator.requests.length).toBe(mark);
    }
    expect(snapshot(work.path)).toEqual(before);
  });

  it('lists, shows, emits and deletes, never touching an untagged application', async () => {
    await project();
    const list = JSON.parse((await cli(['list', '--json'])).stdout) as { tenants: { tenant: string; filesEmitted: boolean }[] };
    expect(list.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    expect(list.tenants.every((t) => t.filesEmitted)).toBe(true);
    const table = await cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TENANT\s+CLIENT ID\s+NAME\s+FILES$/);

    const show = JSON.parse((await cli(['show', 'globex', '--json'])).stdout) as { clientId: string; settings: { tenant: string }; clientGrant: unknown };
    expect(show.settings.tenant).toBe('globex');
    expect(show.clientGrant).toMatchObject({ audience: AUDIENCE });

    const spaFile = join(work.path, 'tenants', 'globex', 'spa.env');
    const original = readFileSync(spaFile, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(spaFile, 'tampered');
    const refusedEdit = await cli(['emit', '--all']);
    expect(refusedEdit.code).toBe(2);
    expect(refusedEdit.stderr).toContain('file_edited');
    expect(readFileSync(spaFile, 'utf8')).toBe('tampered');
    const emitted = await cli(['emit', '--all', '--force']);
    expect(emitted.code).toBe(0);
    expect(readFileSync(spaFile, 'utf8')).toBe(original);
    expect((await cli(['emit', 'nobody'])).code).toBe(2);

    const refused = await cli(['delete', 'globex']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const deleted = await cli(['delete', 'globex', '--yes']);
    expect(deleted.code).toBe(0);
    expect(existsSync(join(work.path, 'tenants', 'globex'))).toBe(false);
    const remaining = (await sdk.clients.list({ per_page: 100 })).data;
    expect(remaining.some((c) => c.client_metadata?.['tenant'] === 'globex')).toBe(false);
    expect(remaining.some((c) => c.name === 'untagged legacy app')).toBe(true);
    expect((await cli(['delete', 'globex', '--yes'])).code).toBe(0); // already gone: converges
    expect((await cli(['show', 'globex'])).code).toBe(2);
  });
});

describe('conventions', () => {
  it('names the missing flag, the broken config field, and missing credentials with the right exit codes', async () => {
    const fresh = tempDir('tenants-e2e-conv-');
    try {
      const missing = await runCli(['init', '--no-input', '--domain', emulator.domain, '--claim-namespace', NAMESPACE], { cwd: fresh.path, env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--audience');
      expect(snapshot(fresh.path)).toEqual({});

      const badNamespace = await runCli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'saas'], {
        cwd: fresh.path,
        env,
      });
      expect(badNamespace.code).toBe(2);
      expect(badNamespace.stderr).toContain('--claim-namespace');

      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        join(fresh.path, 'tenants.config.json'),
        JSON.stringify({ domain: emulator.domain, audience: AUDIENCE, claimNamespace: NAMESPACE, application: { callbacks: ['not a url'] } }),
      );
      const badConfig = await runCli(['create', 'acme'], { cwd: fresh.path, env });
      expect(badConfig.code).toBe(2);
      expect(badConfig.stderr).toContain('application.callbacks.0');

      writeFileSync(join(fresh.path, 'tenants.config.json'), JSON.stringify({ domain: emulator.domain, audience: AUDIENCE, claimNamespace: NAMESPACE }));
      const noCreds = await runCli(['create', 'acme', '--json'], {
        cwd: fresh.path,
        env: { CI: 'true', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '', AUTH0_ACCESS_TOKEN: '' },
      });
      expect(noCreds.code).toBe(4);
      expect(JSON.parse(noCreds.stdout)).toMatchObject({ error: { code: 'missing_credentials' } });
      const wrongSecret = await runCli(['create', 'acme'], { cwd: fresh.path, env: { ...env, AUTH0_CLIENT_SECRET: 'wrong' } });
      expect(wrongSecret.code).toBe(4);
      expect(wrongSecret.stderr).not.toContain('wrong');
      expect(existsSync(join(fresh.path, 'tenants'))).toBe(false);
    } finally {
      fresh.remove();
    }
  });

  it('derives clientIdClaim from the API token dialect', async () => {
    await project();
    const api = (await sdk.resourceServers.list()).data.find((rs) => rs.identifier === AUDIENCE)!;
    await sdk.resourceServers.update(api.id!, { token_dialect: 'rfc9068_profile' });
    try {
      expect((await cli(['emit', 'acme'])).code).toBe(0);
      expect(JSON.parse(readFileSync(join(work.path, 'tenants', 'acme', 'tenant.json'), 'utf8'))).toMatchObject({ clientIdClaim: 'client_id' });
    } finally {
      await sdk.resourceServers.update(api.id!, { token_dialect: 'access_token' });
      await cli(['emit', 'acme']);
    }
  });
});
