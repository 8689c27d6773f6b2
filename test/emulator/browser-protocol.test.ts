import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';

// The Authentication API as a browser application (auth0-spa-js) meets it: CORS, sessions, response modes, logout.
const AUDIENCE = 'https://api.browser.example.com';
const APP = 'https://acme.app.example.com';
const CALLBACK = `${APP}/callback`;
const FOREIGN = 'https://evil.example.com';
let emulator: RunningEmulator;
let sdk: ManagementClient;
let acme: string;

beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
  await sdk.resourceServers.create({ identifier: AUDIENCE, name: 'browser', signing_alg: 'RS256', allow_offline_access: true });
  acme = (
    await sdk.clients.create({
      name: 'acme',
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      oidc_conformant: true,
      jwt_configuration: { alg: 'RS256' },
      callbacks: [CALLBACK],
      web_origins: [APP],
      allowed_logout_urls: [`${APP}/bye`],
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 3600, idle_token_lifetime: 1800 },
    })
  ).client_id!;
  await sdk.users.create({ connection: 'Username-Password-Authentication', email: 'ann@acme.example', password: 'Str0ng-pass' });
});
afterAll(() => emulator.close());

/** A tiny browser: keeps the `auth0` cookie between requests, never follows redirects. */
class Browser {
  cookie = '';
  async get(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(path.startsWith('http') ? path : `${emulator.url}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = /Max-Age=0/.test(set) ? '' : set.split(';')[0]!;
    return res;
  }
  post(path: string, form: Record<string, string>) {
    return this.get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  }
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
const authorizeUrl = (extra: Record<string, string> = {}, challenge = pkce().challenge) =>
  `/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: acme,
    redirect_uri: CALLBACK,
    scope: 'openid profile offline_access',
    audience: AUDIENCE,
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })}`;

async function logIn(browser: Browser, extra: Record<string, string> = {}, password = 'Str0ng-pass') {
  const page = await browser.get(authorizeUrl(extra));
  expect(page.status).toBe(200);
  const transaction = /name="state" value="([^"]+)"/.exec(await page.text())![1]!;
  return browser.post('/u/login', { state: transaction, username: 'ann@acme.example', password });
}

const exchange = (code: string, verifier: string, origin = APP) =>
  fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, 'auth0-client': 'eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0=' },
    body: JSON.stringify({ grant_type: 'authorization_code', client_id: acme, code, redirect_uri: CALLBACK, code_verifier: verifier }),
  });

describe('CORS on the endpoints a SPA calls', () => {
  it('answers preflights with the Auth0-Client header for an allowed web origin and not for another', async () => {
    const preflight = (origin: string, path = '/oauth/token') =>
      fetch(`${emulator.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'auth0-client,content-type' },
      });
    const allowed = await preflight(APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('auth0-client');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    for (const path of ['/oauth/revoke', '/userinfo']) expect((await preflight(APP, path)).headers.get('access-control-allow-origin')).toBe(APP);
    const refused = await preflight(FOREIGN);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const jwks = await fetch(`${emulator.url}/.well-known/jwks.json`, { headers: { origin: FOREIGN } });
    expect(jwks.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("exchanges a code from the application's origin and refuses a foreign origin with 401 access_denied", async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await browser.get(authorizeUrl({}, challenge));
    const transaction = /name="state" value="([^"]+)"/.exec(await page.text())![1]!;
    const back = new URL(
      (await browser.post('/u/login', { state: transaction, username: 'ann@acme.example', password: 'Str0ng-pass' })).headers.get('location')!,
    );
    const foreign = await exchange(back.searchParams.get('code')!, verifier, FOREIGN);
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await foreign.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });

    const again = await logIn(browser, { prompt: 'login' });
    const code = new URL(again.headers.get('location')!).searchParams.get('code')!;
    expect((await exchange(code, verifier)).status).toBe(403); // other challenge: this login used a fresh one
    const fresh = pkce();
    const sso = await browser.get(authorizeUrl({}, fresh.challenge));
    const ok = await exchange(new URL(sso.headers.get('location')!).searchParams.get('code')!, fresh.verifier);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string };
    const info = await fetch(`${emulator.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}`, origin: APP } });
    expect(info.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('sessions', () => {
  it('sets a session cookie at login; the next /authorize logs in without a page (SSO); prompt=login asks again', async () => {
    const browser = new Browser();
    const login = await logIn(browser);
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/^auth0=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=None$/);
    const sso = await browser.get(authorizeUrl());
    expect(sso.status).toBe(302);
    const back = new URL(sso.headers.get('location')!);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe('st-1');
    const forced = await browser.get(authorizeUrl({ prompt: 'login' }));
    expect(forced.status).toBe(200);
    expect(await forced.text()).toContain('action="/u/login"');
  });

  it('prompt=none answers login_required without a session and a code without a page with one', async () => {
    const browser = new Browser();
    const none = await browser.get(authorizeUrl({ prompt: 'none' }));
    expect(none.status).toBe(302);
    const refused = new URL(none.headers.get('location')!);
    expect(Object.fromEntries(refused.searchParams)).toEqual({ error: 'login_required', error_description: 'Login required', state: 'st-1' });
    await logIn(browser);
    const silent = await browser.get(authorizeUrl({ prompt: 'none' }));
    expect(new URL(silent.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('max_age puts auth_time in the ID token, and a session older than max_age needs a new login', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await browser.get(authorizeUrl({ max_age: '3600' }, challenge));
    const transaction = /name="state" value="([^"]+)"/.exec(await page.text())![1]!;
    const before = Math.floor(Date.now() / 1000);
    const back = await browser.post('/u/login', { state: transaction, username: 'ann@acme.example', password: 'Str0ng-pass' });
    const tokens = (await (await exchange(new URL(back.headers.get('location')!).searchParams.get('code')!, verifier)).json()) as { id_token: string };
    const id = decodeJwt(tokens.id_token);
    expect(id['auth_time']).toBeGreaterThanOrEqual(before - 1);
    expect(id['auth_time']).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    await new Promise((r) => setTimeout(r, 1100));
    const stale = await browser.get(authorizeUrl({ max_age: '0', prompt: 'none' }));
    expect(new URL(stale.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    expect((await browser.get(authorizeUrl({ max_age: '0' }))).status).toBe(200);
  });
});

describe('response modes and errors', () => {
  it('fragment, form_post and web_message carry the code; unknown modes are refused', async () => {
    const browser = new Browser();
    await logIn(browser);
    const fragment = await browser.get(authorizeUrl({ response_mode: 'fragment' }));
    const hash = new URLSearchParams(new URL(fragment.headers.get('location')!).hash.slice(1));
    expect(hash.get('code')).toBeTruthy();
    expect(hash.get('state')).toBe('st-1');

    const formPost = await browser.get(authorizeUrl({ response_mode: 'form_post' }));
    expect(formPost.status).toBe(200);
    const html = await formPost.text();
    expect(html).toContain(`<form method="post" action="${CALLBACK}">`);
    expect(html).toMatch(/<input type="hidden" name="code" value="[^"]+">/);
    expect(html).toContain('<input type="hidden" name="state" value="st-1">');

    const message = await (await browser.get(authorizeUrl({ response_mode: 'web_message', prompt: 'none' }))).text();
    expect(message).toContain(`var targetOrigin = "${APP}";`);
    expect(message).toMatch(/var authorizationResponse = \{ type: "authorization_response", response: \{"code":"[^"]+","state":"st-1"\} \};/);
    expect(message).toContain('mainWin.postMessage(authorizationResponse, targetOrigin);');
    const anonymous = await (await new Browser().get(authorizeUrl({ response_mode: 'web_message', prompt: 'none' }))).text();
    expect(anonymous).toContain('response: {"error":"login_required","error_description":"Login required","state":"st-1"}');

    const noWebOrigin = (await sdk.clients.create({ name: 'no web origin', app_type: 'spa', token_endpoint_auth_method: 'none', callbacks: [CALLBACK] }))
      .client_id!;
    const refused = await browser.get(authorizeUrl({ response_mode: 'web_message', prompt: 'none', client_id: noWebOrigin }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toContain('postMessage');

    const bogus = await browser.get(authorizeUrl({ response_mode: 'bogus' }));
    expect(Object.fromEntries(new URL(bogus.headers.get('location')!).searchParams)).toEqual({
      error: 'invalid_request',
      error_description: 'Unsupported response_mode: bogus',
      state: 'st-1',
    });
  });

  it('errors go back to a validated redirect URI with state; an unknown client or callback gets an HTML error page', async () => {
    const browser = new Browser();
    const wrongType = await browser.get(authorizeUrl({ response_type: 'token' }));
    expect(Object.fromEntries(new URL(wrongType.headers.get('location')!).searchParams)).toMatchObject({ error: 'unsupported_response_type', state: 'st-1' });
    const unknownApi = await logIn(browser, { audience: 'https://nope.example.com' });
    expect(Object.fromEntries(new URL(unknownApi.headers.get('location')!).searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'Service not found: https://nope.example.com',
      state: 'st-1',
    });
    const mismatch = await browser.get(authorizeUrl({ redirect_uri: `${FOREIGN}/callback` }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.headers.get('content-type')).toContain('text/html');
    expect(await mismatch.text()).toContain(`Callback URL mismatch. ${FOREIGN}/callback is not in the list of allowed callback URLs`);
    const unknown = await browser.get(authorizeUrl({ client_id: 'nope' }));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown client: nope');
  });
});

describe('logout and revocation', () => {
  it('/v2/logout returns to an allowed logout URL and clears the session; a foreign returnTo is refused', async () => {
    const browser = new Browser();
    await logIn(browser);
    const foreign = await browser.get(`/v2/logout?${new URLSearchParams({ client_id: acme, returnTo: FOREIGN })}`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain(`The &#34;returnTo&#34; querystring parameter &#34;${FOREIGN}&#34; is not defined as a valid URL`);
    expect((await browser.get(authorizeUrl({ prompt: 'none' }))).headers.get('location')).toContain('code=');
    const out = await browser.get(`/v2/logout?${new URLSearchParams({ client_id: acme, returnTo: `${APP}/bye` })}`);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(`${APP}/bye`);
    expect(browser.cookie).toBe('');
    const afterwards = await browser.get(authorizeUrl({ prompt: 'none' }), { headers: { cookie: out.headers.get('set-cookie')!.split(';')[0]! } });
    expect(afterwards.headers.get('location')).toContain('error=login_required');
  });

  it('/oidc/logout checks post_logout_redirect_uri against the id_token_hint application and passes state back', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await browser.get(authorizeUrl({}, challenge));
    const transaction = /name="state" value="([^"]+)"/.exec(await page.text())![1]!;
    const back = await browser.post('/u/login', { state: transaction, username: 'ann@acme.example', password: 'Str0ng-pass' });
    const { id_token } = (await (await exchange(new URL(back.headers.get('location')!).searchParams.get('code')!, verifier)).json()) as { id_token: string };
    const noClient = await browser.get(`/oidc/logout?${new URLSearchParams({ post_logout_redirect_uri: `${APP}/bye` })}`);
    expect(noClient.status).toBe(400);
    const foreign = await browser.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: FOREIGN })}`);
    expect(foreign.status).toBe(400);
    const out = await browser.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: `${APP}/bye`, state: 's2' })}`);
    expect(out.headers.get('location')).toBe(`${APP}/bye?state=s2`);
    expect((await browser.get(authorizeUrl({ prompt: 'none' }))).headers.get('location')).toContain('error=login_required');
  });

  it('/oauth/revoke revokes a refresh token and its rotations; the discovery document lists both logout and revocation', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await browser.get(authorizeUrl({}, challenge));
    const transaction = /name="state" value="([^"]+)"/.exec(await page.text())![1]!;
    const back = await browser.post('/u/login', { state: transaction, username: 'ann@acme.example', password: 'Str0ng-pass' });
    const { refresh_token } = (await (await exchange(new URL(back.headers.get('location')!).searchParams.get('code')!, verifier)).json()) as {
      refresh_token: string;
    };
    const refresh = (token: string) =>
      fetch(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: acme, refresh_token: token }),
      });
    const rotated = (await (await refresh(refresh_token)).json()) as { refresh_token: string };
    const revoke = await fetch(`${emulator.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: APP },
      body: JSON.stringify({ client_id: acme, token: refresh_token }),
    });
    expect(revoke.status).toBe(200);
    expect(revoke.headers.get('access-control-allow-origin')).toBe(APP);
    expect(await (await refresh(rotated.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await fetch(`${emulator.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: acme, token: 'v1.nope' }),
    });
    expect(unknown.status).toBe(200);
    const noClient = await fetch(`${emulator.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'nope', token: refresh_token }),
    });
    expect(noClient.status).toBe(401);

    const discovery = (await (await fetch(`${emulator.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      end_session_endpoint: `https://${emulator.domain}/oidc/logout`,
      revocation_endpoint: `https://${emulator.domain}/oauth/revoke`,
      response_modes_supported: ['query', 'fragment', 'form_post', 'web_message'],
    });
  });
});

describe('password-change tickets', () => {
  it('needs create:user_tickets, validates the body, and opens a single-use page that sets the password', async () => {
    const user = await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email: 'new@acme.example',
      password: randomBytes(24).toString('base64url'),
    });
    await expect(sdk.tickets.changePassword({ user_id: user.user_id!, result_url: `${APP}/login`, client_id: acme })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(sdk.tickets.changePassword({ user_id: user.user_id!, bogus: true } as never)).rejects.toMatchObject({ statusCode: 400 });
    const { ticket } = await sdk.tickets.changePassword({ user_id: user.user_id!, result_url: `${APP}/login`, mark_email_as_verified: true });
    expect(ticket).toMatch(new RegExp(`^https://${emulator.domain}/lo/reset\\?ticket=[\\w-]+#$`));
    const browser = new Browser();
    const page = await browser.get(ticket!);
    expect(await page.text()).toContain('new@acme.example');
    const value = new URL(ticket!).searchParams.get('ticket')!;
    expect(await (await browser.post('/lo/reset', { ticket: value, password: 'short', confirm: 'short' })).text()).toContain('Password is too weak');
    const done = await browser.post('/lo/reset', { ticket: value, password: 'N3w-password', confirm: 'N3w-password' });
    expect(done.status).toBe(302);
    expect(new URL(done.headers.get('location')!).searchParams.get('success')).toBe('true');
    expect((await browser.get(ticket!)).status).toBe(400);
    expect((await sdk.users.get(user.user_id!)).email_verified).toBe(true);
    const login = await fetch(`${emulator.url}/__emulator/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: acme, username: 'new@acme.example', password: 'N3w-password' }),
    });
    expect(login.status).toBe(200);

    const token = (await (
      await fetch(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: emulator.clientId,
          client_secret: emulator.clientSecret,
          audience: `https://${emulator.domain}/api/v2/`,
          scope: 'read:users',
        }),
      })
    ).json()) as { access_token: string };
    const unscoped = await fetch(`${emulator.url}/api/v2/tickets/password-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
      body: JSON.stringify({ user_id: user.user_id }),
    });
    expect(unscoped.status).toBe(403);
    expect(await unscoped.json()).toMatchObject({ errorCode: 'insufficient_scope' });
  });
});
