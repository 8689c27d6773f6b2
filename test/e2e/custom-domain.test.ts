import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from 'auth0-tenants/verify';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { renderTenantFiles, tenantSettings } from '../../src/core/tenant-files.js';
import { tenantSettingsSchema } from '../../src/core/tenant-settings-schema.js';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { testEmulator } from '../helpers/emulator.js';
import { deployPostLoginAction, managementApi } from '../helpers/management-api.js';
import { runCli } from '../helpers/cli.js';
import { runPython } from '../helpers/python.js';
import { tempDir } from '../helpers/workspace.js';

// A custom domain in front of the Auth0 domain: tokens obtained through either carry that domain's issuer.
// tenant.json (schemaVersion 2) lists both issuers; the verifiers choose the key set only once iss matched.
const AUDIENCE = 'https://api.custom.example.com';
const CLAIM = 'https://custom.example.com/tenant';
const work = tempDir('tenants-custom-domain-');
let emulator: RunningEmulator;
let settingsFile: string;
let tokens: { canonical: string; custom: string; foreign: string };

beforeAll(async () => {
  emulator = await testEmulator();
  const foreignEmulator = await testEmulator();
  const api = managementApi(emulator);
  await api('POST', '/resource-servers', { identifier: AUDIENCE, name: 'custom', signing_alg: 'RS256' });
  const clientId = (await api('POST', '/clients', { name: 'acme', app_type: 'spa', token_endpoint_auth_method: 'none', jwt_configuration: { alg: 'RS256' } }))
    .body.client_id as string;
  await deployPostLoginAction(
    api,
    'claim',
    `exports.onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim('${CLAIM}', event.user.app_metadata.tenant); };`,
  );
  await emulator.createUser({ email: 'ann@acme.example', password: 'Str0ng-pass', app_metadata: { tenant: 'acme' } });
  const login = async (base: string, client: string) =>
    (
      (await (
        await fetch(`${base}/__emulator/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: client, username: 'ann@acme.example', password: 'Str0ng-pass', audience: AUDIENCE }),
        })
      ).json()) as { access_token: string }
    ).access_token;
  // Another Auth0 tenant that names the same API and claim: its tokens must be refused by issuer.
  const foreignApi = managementApi(foreignEmulator);
  await foreignApi('POST', '/resource-servers', { identifier: AUDIENCE, name: 'custom', signing_alg: 'RS256' });
  await foreignEmulator.createUser({ email: 'ann@acme.example', password: 'Str0ng-pass' });
  const foreignClient = (await foreignApi('POST', '/clients', { name: 'acme', app_type: 'spa', jwt_configuration: { alg: 'RS256' } })).body.client_id as string;
  tokens = {
    canonical: await login(emulator.url, clientId),
    custom: await login(`https://${emulator.customDomain}`, clientId),
    foreign: await login(foreignEmulator.url, foreignClient),
  };
  await foreignEmulator.close();
  const config = projectConfigSchema.parse({
    domain: emulator.domain,
    customDomain: emulator.customDomain,
    audience: AUDIENCE,
    claimNamespace: 'https://custom.example.com/',
  });
  const settings = tenantSettings(config, 'acme', clientId, undefined);
  const files = renderTenantFiles(settings, config, () => '');
  settingsFile = join(work.path, 'tenant.json');
  writeFileSync(settingsFile, files['tenant.json']!);
  copyFileSync(fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url)), join(work.path, 'tenant_auth.py'));
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('customDomain', () => {
  it('emits a schemaVersion 2 tenant.json with both issuers and their key sets; the SPA logs in through the custom domain', () => {
    const config = projectConfigSchema.parse({
      domain: 'acme.eu.auth0.com',
      customDomain: 'login.saas.example.com',
      audience: AUDIENCE,
      claimNamespace: 'https://custom.example.com/',
    });
    const settings = tenantSettings(config, 'acme', 'client-1', undefined);
    expect(settings).toMatchObject({
      schemaVersion: 2,
      issuers: [
        { issuer: 'https://acme.eu.auth0.com/', jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json' },
        { issuer: 'https://login.saas.example.com/', jwksUri: 'https://login.saas.example.com/.well-known/jwks.json' },
      ],
      clientIds: ['client-1'],
    });
    expect(tenantSettingsSchema.safeParse(settings).success).toBe(true);
    const files = renderTenantFiles(settings, config, () => '');
    expect(files['spa.env']).toContain('VITE_AUTH0_DOMAIN=login.saas.example.com');
    expect(files['backend.env']).toContain('TENANT_AUTH_ISSUERS=https://acme.eu.auth0.com/,https://login.saas.example.com/');
    // Without a custom domain the file keeps schemaVersion 1, as before.
    expect(tenantSettings({ ...config, customDomain: undefined }, 'acme', 'client-1', undefined).schemaVersion).toBe(1);
    expect(projectConfigSchema.safeParse({ ...config, customDomain: 'https://login.saas.example.com/' }).success).toBe(false);
  });

  it('refuses a schemaVersion 2 file that is not one, naming the field, in the library and tenant_auth.py', async () => {
    const good = JSON.parse((await import('node:fs')).readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    expect(() => createVerifier({ ...good, organization: { id: 'acme' } } as never)).toThrow(/field "organization.id"/);
    expect(() => createVerifier({ ...good, issuers: [] } as never)).toThrow(/field "issuers"/);
    expect(() => createVerifier({ ...good, schemaVersion: 3 } as never)).toThrow(/schemaVersion/);
    const bad = join(work.path, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...good, organization: { id: 'acme' } }));
    const python = await runPython(
      [
        '-c',
        `import sys; sys.path.insert(0, ${JSON.stringify(work.path)})\nimport tenant_auth\ntry:\n    tenant_auth.settings()\nexcept ValueError as error:\n    print(error)`,
      ],
      { TENANT_AUTH_CONFIG: bad },
    );
    expect(python.stdout).toContain('organization.id must be an organization id');
  });

  it('verify-token, the Node library and tenant_auth.py accept tokens of both domains and refuse another tenant by issuer', async () => {
    const expected = { canonical: null, custom: null, foreign: 'wrong_issuer' };
    const verifier = createVerifier(settingsFile);
    const library: Record<string, string | null> = {};
    for (const [name, token] of Object.entries(tokens)) library[name] = (await verifier.verify(token)).code;
    expect(library).toEqual(expected);
    const cli: Record<string, string | null> = {};
    for (const [name, token] of Object.entries(tokens)) {
      const result = await runCli(['verify-token', '--config', settingsFile, '--json'], { input: token });
      const verdict = JSON.parse(result.stdout) as { code: string | null; checks: { name: string; expected: unknown }[] };
      cli[name] = verdict.code;
      expect(verdict.checks[2]).toMatchObject({ name: 'issuer', expected: [`${emulator.url}/`, `https://${emulator.customDomain}/`] });
    }
    expect(cli).toEqual(expected);
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(work.path)})
import tenant_auth
out = {}
for name, token in json.loads(sys.argv[1]).items():
    try:
        tenant_auth.verify_token(token)
        out[name] = None
    except tenant_auth.TokenRejected as rejected:
        out[name] = rejected.code
print(json.dumps(out))`;
    const python = await runPython(['-c', script, JSON.stringify(tokens)], { TENANT_AUTH_CONFIG: settingsFile, SSL_CERT_FILE: emulator.caCertFile });
    expect(python.stderr).toBe('');
    expect(JSON.parse(python.stdout)).toEqual(expected);
  });
});
