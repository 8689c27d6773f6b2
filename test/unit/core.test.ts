import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderActionCode } from '../../src/core/action-code.js';
import { driftedFields } from '../../src/core/drift.js';
import { projectConfigSchema, tenantClaim } from '../../src/core/project-config.js';
import { resolveInitConfig } from '../../src/core/resolve-init-config.js';
import { renderTenantFiles, tenantSettings } from '../../src/core/tenant-files.js';
import { parseTenantIds } from '../../src/core/tenant-id.js';
import { TenantsError } from '../../src/core/tenants-error.js';

const config = projectConfigSchema.parse({ domain: 'acme.eu.auth0.com', audience: 'https://api.example.com', claimNamespace: 'https://saas.example.com/' });
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as TenantsError).code;
  }
  return 'ok';
};

describe('tenant ids', () => {
  it.each([
    ['acme', 'ok'],
    ['globex-eu', 'ok'],
    ['a', 'ok'],
    ['a'.repeat(63), 'ok'],
    ['0day', 'ok'],
    ['Acme', 'invalid_tenant_id'],
    ['../x', 'invalid_tenant_id'],
    ['a b', 'invalid_tenant_id'],
    ['', 'invalid_tenant_id'],
    ['a'.repeat(64), 'invalid_tenant_id'],
    ['-a', 'invalid_tenant_id'],
    ['a-', 'invalid_tenant_id'],
    ['a_b', 'invalid_tenant_id'],
    ['acme\n', 'invalid_tenant_id'],
  ])('%j -> %s', (id, expected) => expect(codeOf(() => parseTenantIds([id]))).toBe(expected));

  it('needs at least one and removes repeats', () => {
    expect(codeOf(() => parseTenantIds([]))).toBe('missing_tenant');
    expect(parseTenantIds(['acme', 'acme', 'globex'])).toEqual(['acme', 'globex']);
  });
});

describe('drift', () => {
  it('compares the keys we set, arrays exactly', () => {
    expect(driftedFields({ a: { alg: 'RS256' }, b: ['x'], c: 1 }, { a: { alg: 'RS256', lifetime: 3 }, b: ['x'], c: 1, d: 2 })).toEqual([]);
    expect(driftedFields({ a: { alg: 'RS256' }, b: ['x', 'y'], c: 1 }, { a: { alg: 'HS256' }, b: ['y', 'x'], c: 1 })).toEqual(['a', 'b']);
    expect(driftedFields({ m: { tenant: 'acme' } }, {})).toEqual(['m']);
  });
});

describe('init settings', () => {
  it('names the missing flag when it cannot ask', async () => {
    const error = await resolveInitConfig(undefined, { domain: 'x.auth0.com', claimNamespace: 'https://n.example.com/' }, undefined, undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'missing_option', kind: 'usage' });
    expect((error as Error).message).toContain('--audience');
  });

  it('asks only for what is missing, keeps the file, and takes the domain from AUTH0_DOMAIN', async () => {
    const asked: string[] = [];
    const result = await resolveInitConfig(
      { apiName: 'Kept', outputDir: 'out/' },
      { claimNamespace: 'https://n.example.com/' },
      'https://t.eu.auth0.com/',
      async (field) => {
        asked.push(field);
        return field === 'audience' ? 'https://api.example.com' : ''; // no SPA URLs yet: the other URL questions are skipped
      },
    );
    expect(asked).toEqual(['audience', 'callbacks']);
    expect(result).toMatchObject({
      domain: 't.eu.auth0.com',
      apiName: 'Kept',
      outputDir: 'out/',
      audience: 'https://api.example.com',
      requireClientGrant: true,
    });
    expect(result.application.callbacks).toEqual([]);
    const kept: string[] = [];
    await resolveInitConfig({ ...result, application: { ...result.application, callbacks: ['https://a.example.com/cb'] } }, {}, undefined, async (field) => {
      kept.push(field);
      return '';
    });
    expect(kept).toEqual([]); // the file's callbacks are kept, nothing asked
  });
});

describe('tenant files', () => {
  it('renders tenant.json in the contract shape and env files without secrets', () => {
    const settings = tenantSettings(config, 'acme', 'CLIENT123', { token_dialect: 'access_token' });
    const files = renderTenantFiles(settings, config, () => '# module');
    expect(JSON.parse(files['tenant.json']!)).toEqual({
      schemaVersion: 1,
      tenant: 'acme',
      issuer: 'https://acme.eu.auth0.com/',
      jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      audience: 'https://api.example.com',
      clientId: 'CLIENT123',
      clientIdClaim: 'azp',
      tenantClaim: 'https://saas.example.com/tenant',
      algorithms: ['RS256'],
      leewaySeconds: 30,
    });
    expect(files['backend.env']).toContain('TENANT_AUTH_TENANT_CLAIM=https://saas.example.com/tenant');
    expect(files['spa.env']).toContain('VITE_AUTH0_AUDIENCE=https://api.example.com');
    expect(tenantSettings(config, 'acme', 'C', { token_dialect: 'rfc9068_profile_authz' }).clientIdClaim).toBe('client_id');
  });

  it('writes .env values that a shell, Vite and docker --env-file read alike: never quoted, and refuses any that would need quotes', () => {
    const files = renderTenantFiles(tenantSettings(config, 'acme', 'CLIENT123', undefined), config, () => '');
    for (const name of ['backend.env', 'spa.env']) {
      const values = files[name]!.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(values.length).toBeGreaterThan(2);
      for (const line of values) expect(line).toMatch(/^[A-Z0-9_]+=[A-Za-z0-9_@%+=:,./-]+$/);
    }
    expect(files['spa.env']).not.toContain('SCOPE'); // auth0-spa-js asks for "openid profile email" by default
    expect(projectConfigSchema.safeParse({ ...config, audience: 'https://api.example.com/$(id)' }).success).toBe(false);
    expect(projectConfigSchema.safeParse({ ...config, audience: 'urn:my api' }).success).toBe(false);
    expect(() => renderTenantFiles(tenantSettings({ ...config, audience: 'https://x.example.com/"q"' }, 'acme', 'C', undefined), config, () => '')).toThrow(
      expect.objectContaining({ code: 'env_value_unsafe' }),
    );
  });
});

describe('the post-login Action', () => {
  const template = readFileSync(new URL('../../templates/post-login-action.js', import.meta.url), 'utf8');
  const run = (code: string, appMetadata: Record<string, unknown> | undefined) => {
    const claims: Record<string, Record<string, unknown>> = { access: {}, id: {} };
    const module = { exports: {} as Record<string, (event: unknown, api: unknown) => Promise<void>> };
    runInNewContext(code, { exports: module.exports, module });
    const api = {
      accessToken: { setCustomClaim: (k: string, v: unknown) => (claims['access']![k] = v) },
      idToken: { setCustomClaim: (k: string, v: unknown) => (claims['id']![k] = v) },
    };
    return module.exports['onExecutePostLogin']!({ user: { app_metadata: appMetadata } }, api).then(() => claims);
  };

  it('adds the namespaced tenant claim to both tokens from app_metadata, and nothing without it', async () => {
    const code = renderActionCode(template, tenantClaim(config));
    expect(await run(code, { tenant: 'acme' })).toEqual({
      access: { 'https://saas.example.com/tenant': 'acme' },
      id: { 'https://saas.example.com/tenant': 'acme' },
    });
    expect(await run(code, undefined)).toEqual({ access: {}, id: {} });
    expect(await run(code, { tenant: 42 })).toEqual({ access: {}, id: {} });
  });

  it('keeps a namespace with quotes a string literal', async () => {
    const code = renderActionCode(template, "https://o'brien.example.com/tenant");
    expect(await run(code, { tenant: 'acme' })).toMatchObject({ access: { "https://o'brien.example.com/tenant": 'acme' } });
  });
});
