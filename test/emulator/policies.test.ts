import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Management, ManagementError } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';

const running: RunningEmulator[] = [];
const start = async (options: Parameters<typeof testEmulator>[0] = {}) => {
  const e = await testEmulator(options);
  running.push(e);
  return e;
};
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

const tokenRequest = (e: RunningEmulator, body: Record<string, string>) =>
  fetch(`${e.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

describe('client credentials and bearer checks', () => {
  it('issues an RS256 token for the Management API and refuses a wrong secret, id or audience as Auth0 does', async () => {
    const e = await start();
    const good = await tokenRequest(e, {
      grant_type: 'client_credentials',
      client_id: e.clientId,
      client_secret: e.clientSecret,
      audience: `https://${e.domain}/api/v2/`,
    });
    expect(good.status).toBe(200);
    const body = (await good.json()) as { access_token: string; token_type: string; scope: string };
    expect(body.token_type).toBe('Bearer');
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: `https://${e.domain}/`, aud: `https://${e.domain}/api/v2/`, sub: `${e.clientId}@clients` });
    expect(payload.scope.split(' ')).toContain('create:clients');
    const jwks = (await (await fetch(`${e.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const discovery = (await (await fetch(`${e.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery['issuer']).toBe(`https://${e.domain}/`);
    expect(discovery['jwks_uri']).toBe(`https://${e.domain}/.well-known/jwks.json`);

    const wrongSecret = await tokenRequest(e, {
      grant_type: 'client_credentials',
      client_id: e.clientId,
      client_secret: 'nope',
      audience: `https://${e.domain}/api/v2/`,
    });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    const wrongId = await tokenRequest(e, {
      grant_type: 'client_credentials',
      client_id: 'nope',
      client_secret: e.clientSecret,
      audience: `https://${e.domain}/api/v2/`,
    });
    expect(wrongId.status).toBe(401);
    const wrongAudience = await tokenRequest(e, {
      grant_type: 'client_credentials',
      client_id: e.clientId,
      client_secret: e.clientSecret,
      audience: 'https://elsewhere/api/v2/',
    });
    expect(wrongAudience.status).toBe(403);
    expect(await wrongAudience.json()).toEqual({ error: 'access_denied', error_description: 'Service not found: https://elsewhere/api/v2/' });
  });

  it('answers 401 without a valid token and 403 insufficient_scope without the scope', async () => {
    const e = await start();
    const none = await fetch(`${e.url}/api/v2/clients`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const forged = await fetch(`${e.url}/api/v2/clients`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } });
    expect(forged.status).toBe(401);

    // An M2M application granted only read:clients may list but not create.
    const admin = sdkFor(e);
    const reader = await admin.clients.create({ name: 'reader', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await admin.clientGrants.create({ client_id: reader.client_id!, audience: `https://${e.domain}/api/v2/`, scope: ['read:clients'] });
    const limited = sdkFor(e, { clientId: reader.client_id!, clientSecret: reader.client_secret! });
    expect((await limited.clients.list()).data.length).toBeGreaterThan(0);
    const denied = await limited.clients.create({ name: 'nope' }).catch((err: unknown) => err);
    expect(denied).toBeInstanceOf(Management.ForbiddenError);
    expect((denied as ManagementError).body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      errorCode: 'insufficient_scope',
      message: 'Insufficient scope, expected any of: create:clients',
    });
  });
});

describe('rate limits, latency and faults', () => {
  it('sends x-ratelimit headers on every answer and 429 once the budget is spent', async () => {
    // The bucket's clock stands still while the budget is spent (a busy machine would refill it), then runs again.
    let frozen: number | undefined = Date.now();
    const e = await start({ rateLimit: 5, now: () => frozen ?? Date.now() });
    const sdk = sdkFor(e, { maxRetries: 0 });
    const token = (await (
      await tokenRequest(e, { grant_type: 'client_credentials', client_id: e.clientId, client_secret: e.clientSecret, audience: `https://${e.domain}/api/v2/` })
    ).json()) as { access_token: string };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => fetch(`${e.url}/api/v2/clients`, { headers: { authorization: `Bearer ${token.access_token}` } })),
    );
    for (const a of answers) {
      expect(a.headers.get('x-ratelimit-limit')).toBe('5');
      expect(Number(a.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
      const reset = Number(a.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(await answers.find((a) => a.status === 429)!.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    await expect(sdk.clients.list()).rejects.toBeInstanceOf(Management.TooManyRequestsError);
    // The SDK's own retries wait for x-ratelimit-reset (compared with the real time) and get through.
    frozen = undefined;
    await new Promise((r) => setTimeout(r, 1100));
    const patient = sdkFor(e, { maxRetries: 5 });
    const results = await Promise.all(Array.from({ length: 8 }, () => patient.clients.list()));
    expect(results).toHaveLength(8);
  });

  it('injects 429, 500, 503 and dropped connections at the fail rate, and delays by the latency', async () => {
    let n = 0;
    const e = await start({ failRate: 0.5, latencyMs: 30, random: () => [0.1, 0.05, 0.9, 0.3, 0.9, 0.5, 0.9, 0.7, 0.9, 0.9][n++ % 10]! });
    const sdk = sdkFor(e, { maxRetries: 0 });
    await sdk.clients.list().catch(() => undefined); // token + first request
    const outcomes: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await sdk.clients.list().then(
          () => 'ok',
          (err: unknown) => (err instanceof ManagementError ? String(err.statusCode ?? 'dropped') : 'dropped'),
        ),
      );
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(8 * 30);
    expect(outcomes).toContain('ok');
    expect(outcomes.some((o) => o !== 'ok')).toBe(true);
    expect(new Set(outcomes.filter((o) => o !== 'ok')).size).toBeGreaterThanOrEqual(2);
  });
});

describe('entity limits and persistence', () => {
  it('stops at the plan limit of 10 applications on free, counting the M2M application', async () => {
    const e = await start({ plan: 'free' });
    const sdk = sdkFor(e);
    for (let i = 0; i < 9; i++) await sdk.clients.create({ name: `app-${i}` });
    const over = await sdk.clients.create({ name: 'one-too-many' }).catch((err: unknown) => err);
    expect(over).toBeInstanceOf(Management.ForbiddenError);
    expect((over as ManagementError).body).toMatchObject({ errorCode: 'too_many_entities' });
  });

  it('keeps the tenant, its credentials and its signing keys across restarts with a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-state-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = await start({ stateFile });
      const created = await sdkFor(first).clients.create({ name: 'kept', client_metadata: { tenant: 'acme' } });
      const jwks1 = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
      const { clientId, clientSecret } = first;
      await running.pop()!.close();

      const second = await start({ stateFile });
      expect(second.clientId).toBe(clientId);
      expect(second.clientSecret).toBe(clientSecret);
      expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwks1);
      const fetched = await sdkFor(second).clients.get(created.client_id!);
      expect(fetched.client_metadata).toEqual({ tenant: 'acme' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
