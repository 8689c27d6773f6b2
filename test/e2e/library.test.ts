import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTenant } from 'auth0-tenants/express';
import { createVerifier, TenantsError, type Verdict } from 'auth0-tenants/verify';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { renderTenantFiles, type TenantSettings } from '../../src/core/tenant-files.js';
import { readTemplate } from '../../src/io/templates.js';
import { makeVectors, type VectorGroup } from '../helpers/token-vectors.js';
import { tempDir } from '../helpers/workspace.js';

/** The package's exports as a Node backend imports them (auth0-tenants/verify, auth0-tenants/express), from dist/. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = projectConfigSchema.parse({ domain: 'x.example.com', audience: 'https://api.example.com', claimNamespace: 'https://s.example.com/' });
const work = tempDir('tenants-library-');
let groups: VectorGroup[];
let resetRotation: () => void;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ groups, resetRotation, close } = await makeVectors(work.path));
});
afterAll(async () => {
  await close();
  work.remove();
});

async function serve(app: express.Express): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

describe('auth0-tenants/verify and auth0-tenants/express', () => {
  it('createVerifier(tenant.json) gives every shared vector its code', async () => {
    resetRotation();
    const verifier = createVerifier(groups[0]!.settingsFile);
    expect(verifier.settings.tenant).toBe('acme');
    const codes: Record<string, string | null> = {};
    for (const vector of groups[0]!.vectors) {
      const verdict: Verdict = await verifier.verify(vector.token);
      codes[vector.name] = verdict.code;
    }
    expect(codes).toEqual(Object.fromEntries(groups[0]!.vectors.map((v) => [v.name, v.expected])));
  });

  it('refuses invalid settings with a TenantsError naming the field', () => {
    expect(() => createVerifier({ schemaVersion: 1, tenant: 'acme' } as never)).toThrow(TenantsError);
    expect(() => createVerifier({ schemaVersion: 1, tenant: 'acme' } as never)).toThrow(/field "issuer"/);
  });

  it('requireTenant lets through its tenant (req.auth), answers 401 with WWW-Authenticate, 503 when the key set is unreachable', async () => {
    resetRotation();
    const settings = JSON.parse((await import('node:fs')).readFileSync(groups[0]!.settingsFile, 'utf8')) as Record<string, unknown>;
    const unreachable = join(work.path, 'unreachable.json');
    writeFileSync(unreachable, JSON.stringify({ ...settings, jwksUri: 'http://127.0.0.1:1/jwks' }));
    const app = express();
    app.get('/orders', requireTenant(groups[0]!.settingsFile), (req, res) => {
      res.json({ sub: req.auth!.payload['sub'], tenant: req.auth!.tenant }); // req.auth is typed by the package
    });
    app.get('/down', requireTenant(unreachable), (_req, res) => res.json({}));
    const { url, stop } = await serve(app);
    try {
      const token = groups[0]!.vectors.find((v) => v.name === 'valid')!.token;
      const ok = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ sub: 'auth0|user1', tenant: 'acme' });

      const other = groups[0]!.vectors.find((v) => v.name === 'another tenant')!.token;
      const refused = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${other}` } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="wrong_tenant: /);
      expect(await refused.json()).toMatchObject({ error: 'invalid_token', code: 'wrong_tenant' });

      const undef = await fetch(`${url}/orders`, { headers: { authorization: 'Bearer undefined' } });
      expect(undef.status).toBe(401);
      expect(await undef.json()).toMatchObject({ code: 'missing_token' });
      const none = await fetch(`${url}/orders`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');

      const down = await fetch(`${url}/down`, { headers: { authorization: `Bearer ${token}` } });
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await stop();
    }
  });

  it('the emitted tenant_auth.mjs (Express, over auth0-tenants/express) gives every shared vector its code', async () => {
    // As a user's project has it: the package installed under node_modules, the module and tenant.json in tenants/<tenant>/.
    mkdirSync(join(work.path, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(work.path, 'node_modules', 'auth0-tenants'), 'dir');
    const codes: Record<string, string | null> = {};
    for (const [i, group] of groups.entries()) {
      const dir = join(work.path, 'tenants', `g${i}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(group.settingsFile, join(dir, 'tenant.json'));
      const settings = JSON.parse(readFileSync(group.settingsFile, 'utf8')) as TenantSettings;
      writeFileSync(join(dir, 'tenant_auth.mjs'), renderTenantFiles(settings, config, readTemplate)['tenant_auth.mjs']!);
      // A fresh import (a new middleware, as a freshly started backend has) per vector: the key set starts unfetched,
      // as the vectors assume (one of them is signed by a key published only after rotation).
      let middleware: express.RequestHandler;
      const app = express();
      app.get(
        '/orders',
        (req, res, next) => middleware(req, res, next),
        (req, res) => res.json({ tenant: req.auth!.tenant }),
      );
      const { url, stop } = await serve(app);
      try {
        for (const [n, vector] of group.vectors.filter(headerSafe).entries()) {
          resetRotation();
          middleware = ((await import(`${pathToFileURL(join(dir, 'tenant_auth.mjs')).href}?${n}`)) as { requireTenant: express.RequestHandler }).requireTenant;
          const answer = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${vector.token}` } });
          const body = (await answer.json()) as { code?: string; tenant?: string };
          codes[vector.name] = answer.status === 200 ? null : (body.code ?? `status ${answer.status}`);
          if (answer.status === 200) expect(body.tenant).toBe(settings.tenant);
          else expect(answer.status, vector.name).toBe(401);
        }
      } finally {
        await stop();
      }
    }
    const sendable = groups.flatMap((g) => g.vectors.filter(headerSafe));
    expect(sendable.length).toBeGreaterThan(groups.flatMap((g) => g.vectors).length * 0.8);
    expect(codes).toEqual(Object.fromEntries(sendable.map((v) => [v.name, v.expected])));
  });
});

/**
 * A vector an HTTP client can send as the bearer token: not one with a line break or a control character (no header
 * carries it), nor one that already starts with "Bearer " (pasted from a request: a case of verify-token's input).
 */
const headerSafe = (v: { token: string }): boolean => /^[\x20-\x7e]*$/.test(v.token) && !/^\s*bearer\b/i.test(v.token);
