import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTenant } from 'auth0-tenants/express';
import { createVerifier, TenantsError, type Verdict } from 'auth0-tenants/verify';
import { makeVectors, type VectorGroup } from '../helpers/token-vectors.js';
import { tempDir } from '../helpers/workspace.js';

/** The package's exports as a Node backend imports them (auth0-tenants/verify, auth0-tenants/express), from dist/. */
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
});
