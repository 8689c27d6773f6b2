import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, decodeJwt } from 'jose';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { renderActionCode } from '../../src/core/action-code.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';

const AUDIENCE = 'https://api.logins.example.com';
const CLAIM = 'https://logins.example.com/tenant';
const CALLBACK = 'https://acme.app.example.com/callback';
let emulator: RunningEmulator;
let sdk: ManagementClient;
let acme: string;
let ungranted: string;

const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
async function deployAndBind(names: [string, string][]) {
  const ids: string[] = [];
  for (const [name, code] of names) {
    const a = await sdk.actions.create({ name, supported_triggers: postLogin, code });
    for (let i = 0; i < 100 && (await sdk.actions.get(a.id!)).status !== 'built'; i++) await new Promise((r) => setTimeout(r, 20));
    await sdk.actions.deploy(a.id!);
    ids.push(a.id!);
  }
  await sdk.actions.triggers.bindings.updateMany('post-login', {
    bindings: ids.map((id, i) => ({ ref: { type: 'action_id', value: id }, display_name: names[i]![0] })),
  });
}

beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
  await sdk.resourceServers.create({
    identifier: AUDIENCE,
    name: 'logins',
    signing_alg: 'RS256',
    allow_offline_access: true,
    scopes: [{ value: 'read:orders', description: 'orders' }],
    subject_type_authorization: { user: { policy: 'require_client_grant' } },
  });
  const spa = {
    app_type: 'spa' as const,
    token_endpoint_auth_method: 'none' as const,
    grant_types: ['authorization_code', 'refresh_token'],
    oidc_conformant: true,
    callbacks: [CALLBACK],
    jwt_configuration: { alg: 'RS256' as const },
    refresh_token: { rotation_type: 'rotating' as const, expiration_type: 'expiring' as const, token_lifetime: 3600, idle_token_lifetime: 1800 },
  };
  acme = (await sdk.clients.create({ ...spa, name: 'acme', client_metadata: { tenant: 'acme' } })).client_id!;
  ungranted = (await sdk.clients.create({ ...spa, name: 'no grant', client_metadata: { tenant: 'other' } })).client_id!;
  await sdk.clientGrants.create({ client_id: acme, audience: AUDIENCE, scope: ['read:orders'], subject_type: 'user' });
  const template = readFileSync(fileURLToPath(new URL('../../templates/post-login-action.js', import.meta.url)), 'utf8');
  await deployAndBind([
    ['tenant-claim', renderActionCode(template, CLAIM)],
    [
      'guard',
      `exports.onExecutePostLogin = async (event, api) => {
      if (event.user.app_metadata.blocked) api.access.deny('blocked by policy for ' + event.client.metadata.tenant);
      api.accessToken.setCustomClaim('azp', 'forged');
      api.accessToken.setCustomClaim('https://logins.example.com/resource', event.resource_server ? event.resource_server.identifier : null);
    };`,
    ],
  ]);
  await sdk.users.create({
    connection: 'Username-Password-Authentication',
    email: 'ann@acme.example',
    password: 'Str0ng-pass',
    app_metadata: { tenant: 'acme' },
  });
  await sdk.users.create({
    connection: 'Username-Password-Authentication',
    email: 'bob@acme.example',
    password: 'Str0ng-pass',
    app_metadata: { tenant: 'acme', blocked: true },
  });
});
afterAll(() => emulator.close());

const post = (path: string, body: Record<string, string>, json = false) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });

async function browserLogin(scope: string, audience?: string, email = 'ann@acme.example') {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: acme,
    redirect_uri: CALLBACK,
    scope,
    state: 'xyz',
    nonce: 'n-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(audience ? { audience } : {}),
  });
  const page = await fetch(`${emulator.url}/authorize?${params}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<form method="post" action="/u/login">');
  const transaction = /name="state" value="([^"]+)"/.exec(html)![1]!;
  const submitted = await post('/u/login', { state: transaction, username: email, password: 'Str0ng-pass' });
  expect(submitted.status).toBe(302);
  const location = new URL(submitted.headers.get('location')!);
  return { location, verifier };
}

describe('logins as Auth0 runs them', () => {
  it('authorization code with PKCE issues Auth0-shaped tokens carrying the claim the deployed Action set', async () => {
    const { location, verifier } = await browserLogin('openid profile email offline_access read:orders', AUDIENCE);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;
    const exchange = await post('/oauth/token', { grant_type: 'authorization_code', client_id: acme, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(exchange.status).toBe(200);
    const tokens = (await exchange.json()) as { access_token: string; id_token: string; refresh_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');

    const jwks = createRemoteJWKSet(new URL(`${emulator.url}/.well-known/jwks.json`));
    const { payload: access } = await jwtVerify(tokens.access_token, jwks, { issuer: `https://${emulator.domain}/`, audience: AUDIENCE });
    expect(access).toMatchObject({
      sub: expect.stringMatching(/^auth0\|/),
      aud: [AUDIENCE, `https://${emulator.domain}/userinfo`],
      azp: acme,
      scope: 'openid profile email offline_access read:orders',
      [CLAIM]: 'acme',
      'https://logins.example.com/resource': AUDIENCE,
    });
    expect(access.exp! - access.iat!).toBe(86400);
    const { payload: id } = await jwtVerify(tokens.id_token, jwks, { issuer: `https://${emulator.domain}/`, audience: acme });
    expect(id).toMatchObject({ nonce: 'n-123', email: 'ann@acme.example', [CLAIM]: 'acme' });

    const info = await fetch(`${emulator.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await info.json()).toMatchObject({ sub: access.sub, email: 'ann@acme.example' });

    const replay = await post('/oauth/token', { grant_type: 'authorization_code', client_id: acme, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(replay.status).toBe(403);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });

    // Rotating refresh tokens: a new one each time; reusing an old one revokes the family.
    const refreshed = await post('/oauth/token', { grant_type: 'refresh_token', client_id: acme, refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refresh_token: string; access_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(next.access_token)[CLAIM]).toBe('acme');
    expect((await post('/oauth/token', { grant_type: 'refresh_token', client_id: acme, refresh_token: tokens.refresh_token })).status).toBe(403);
    expect((await post('/oauth/token', { grant_type: 'refresh_token', client_id: acme, refresh_token: next.refresh_token })).status).toBe(403);
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { location } = await browserLogin('openid', AUDIENCE);
    const exchange = await post('/oauth/token', {
      grant_type: 'authorization_code',
      client_id: acme,
      code: location.searchParams.get('code')!,
      redirect_uri: CALLBACK,
      code_verifier: 'wrong',
    });
    expect(exchange.status).toBe(403);
    expect(await exchange.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('returns an opaque (JWE) access token without an audience, usable at /userinfo only', async () => {
    const result = (await (
      await post('/__emulator/login', { client_id: acme, username: 'ann@acme.example', password: 'Str0ng-pass', scope: 'openid email' }, true)
    ).json()) as { access_token: string; id_token: string };
    expect(result.access_token.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(result.access_token)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    const info = await fetch(`${emulator.url}/userinfo`, { headers: { authorization: `Bearer ${result.access_token}` } });
    expect(await info.json()).toMatchObject({ email: 'ann@acme.example' });
    expect(decodeJwt(result.id_token).aud).toBe(acme);
  });

  it('enforces require_client_grant, Action denials and passwords; drops restricted claims silently', async () => {
    const noGrant = await post(
      '/__emulator/login',
      { client_id: ungranted, username: 'ann@acme.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' },
      true,
    );
    expect(noGrant.status).toBe(403);
    expect(await noGrant.json()).toMatchObject({ error: 'access_denied' });

    const denied = await post(
      '/__emulator/login',
      { client_id: acme, username: 'bob@acme.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' },
      true,
    );
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: 'access_denied', error_description: 'blocked by policy for acme' });
    const { location } = await browserLogin('openid', AUDIENCE, 'bob@acme.example');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('blocked by policy for acme');

    const wrong = await post('/__emulator/login', { client_id: acme, username: 'ann@acme.example', password: 'nope', audience: AUDIENCE }, true);
    expect(wrong.status).toBe(403);

    const ok = (await (
      await post('/__emulator/login', { client_id: acme, username: 'ann@acme.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' }, true)
    ).json()) as { access_token: string };
    expect(decodeJwt(ok.access_token).azp).toBe(acme); // the Action's 'azp' was dropped
  });

  it('follows the rfc9068_profile token dialect', async () => {
    const api = (await sdk.resourceServers.list()).data.find((rs) => rs.identifier === AUDIENCE)!;
    await sdk.resourceServers.update(api.id!, { token_dialect: 'rfc9068_profile' });
    try {
      const result = (await (
        await post('/__emulator/login', { client_id: acme, username: 'ann@acme.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid' }, true)
      ).json()) as { access_token: string };
      expect(decodeProtectedHeader(result.access_token).typ).toBe('at+jwt');
      const claims = decodeJwt(result.access_token);
      expect(claims['client_id']).toBe(acme);
      expect(claims['azp']).toBeUndefined();
      expect(claims['jti']).toEqual(expect.any(String));
    } finally {
      await sdk.resourceServers.update(api.id!, { token_dialect: 'access_token' });
    }
  });
});
