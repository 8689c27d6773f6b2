import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { testEmulator } from '../helpers/emulator.js';
import { deployPostLoginAction, managementApi } from '../helpers/management-api.js';

// Logging in through an organization as Auth0 runs it: /authorize?organization=, the prompt, invitations,
// refusals of non-members, org_id / org_name in tokens, event.organization in Actions, the custom domain.
const AUDIENCE = 'https://api.orgs.example.com';
const APP = 'https://app.orgs.example.com';
const CALLBACK = `${APP}/callback`;
const CLAIM = 'https://orgs.example.com/tenant';
let emulator: RunningEmulator;
let api: ReturnType<typeof managementApi>;
let shared: string; // organization_usage: require, no_prompt
let prompting: string; // require, pre_login_prompt
let legacy: string; // organization_usage left at deny
let acme: { id: string; name: string };
let globex: { id: string; name: string };
let ann: string;

const spa = (name: string, extra: Record<string, unknown>) =>
  api('POST', '/clients', {
    name,
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    oidc_conformant: true,
    callbacks: [CALLBACK],
    web_origins: [APP],
    initiate_login_uri: `${APP}/login`,
    jwt_configuration: { alg: 'RS256' },
    ...extra,
  }).then((r) => r.body.client_id as string);

beforeAll(async () => {
  emulator = await testEmulator();
  api = managementApi(emulator);
  await api('POST', '/resource-servers', {
    identifier: AUDIENCE,
    name: 'orgs',
    signing_alg: 'RS256',
    subject_type_authorization: { user: { policy: 'require_client_grant' } },
  });
  shared = await spa('shared', { organization_usage: 'require', organization_require_behavior: 'no_prompt' });
  prompting = await spa('prompting', { organization_usage: 'require', organization_require_behavior: 'pre_login_prompt' });
  legacy = await spa('legacy', {});
  for (const client of [shared, prompting, legacy])
    await api('POST', '/client-grants', { client_id: client, audience: AUDIENCE, scope: [], subject_type: 'user' });
  const org = async (name: string) =>
    (
      await api('POST', '/organizations', {
        name,
        display_name: name.toUpperCase(),
        metadata: { tenants_managed_by: 'auth0-tenants', tenant: name },
        enabled_connections: [{ connection_id: 'con_0000000000000001' }],
      })
    ).body;
  acme = await org('acme');
  globex = await org('globex');
  ann = await emulator.createUser({ email: 'ann@acme.example', password: 'Str0ng-pass' });
  await emulator.createUser({ email: 'gus@globex.example', password: 'Str0ng-pass' });
  await api('POST', `/organizations/${acme.id}/members`, { members: [ann] });
  // The Action reads event.organization (our metadata) and tries, in vain, to forge org_id.
  await deployPostLoginAction(
    api,
    'org-claim',
    `exports.onExecutePostLogin = async (event, api) => {
    if (!event.organization) return;
    api.accessToken.setCustomClaim('${CLAIM}', event.organization.metadata.tenant);
    api.accessToken.setCustomClaim('https://orgs.example.com/org', event.organization);
    api.accessToken.setCustomClaim('org_id', 'org_forged');
  };`,
  );
});
afterAll(() => emulator.close());

const helperLogin = (body: Record<string, unknown>, host = emulator.url) =>
  fetch(`${host}/__emulator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ann@acme.example', password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid', ...body }),
  });

describe('POST /__emulator/login with organization', () => {
  it('puts org_id (not org_name) in both tokens and gives Actions event.organization; Actions cannot set org_id', async () => {
    const res = await helperLogin({ client_id: shared, organization: acme.id });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; id_token: string };
    const access = decodeJwt(tokens.access_token);
    expect(access['org_id']).toBe(acme.id);
    expect(access['org_name']).toBeUndefined();
    expect(access[CLAIM]).toBe('acme');
    expect(access['https://orgs.example.com/org']).toEqual({
      id: acme.id,
      name: 'acme',
      display_name: 'ACME',
      metadata: { tenants_managed_by: 'auth0-tenants', tenant: 'acme' },
    });
    expect(decodeJwt(tokens.id_token)['org_id']).toBe(acme.id);
  });

  it('refuses a non-member as Auth0 does: access_denied "user ... is not part of the org_... organization"', async () => {
    const res = await helperLogin({ client_id: shared, organization: globex.id });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'access_denied', error_description: `user ${ann} is not part of the ${globex.id} organization` });
  });

  it("follows the application's organization_usage: require needs one, deny refuses one, allow takes both", async () => {
    const required = await helperLogin({ client_id: shared });
    expect(required.status).toBe(400);
    expect(await required.json()).toEqual({ error: 'invalid_request', error_description: 'parameter organization is required for this client' });
    const denied = await helperLogin({ client_id: legacy, organization: acme.id });
    expect(denied.status).toBe(400);
    expect(((await denied.json()) as { error: string }).error).toBe('invalid_request');
    const plain = await helperLogin({ client_id: legacy });
    expect(decodeJwt(((await plain.json()) as { access_token: string }).access_token)['org_id']).toBeUndefined();
    await api('PATCH', `/clients/${legacy}`, { organization_usage: 'allow' });
    const allowed = await helperLogin({ client_id: legacy, organization: acme.id });
    expect(decodeJwt(((await allowed.json()) as { access_token: string }).access_token)['org_id']).toBe(acme.id);
    await api('PATCH', `/clients/${legacy}`, { organization_usage: 'deny' });
  });

  it('takes an organization name, and adds org_name, only with allow_organization_name_in_authentication_api', async () => {
    const byName = await helperLogin({ client_id: shared, organization: 'acme' });
    expect(byName.status).toBe(400);
    await api('PATCH', '/tenants/settings', { allow_organization_name_in_authentication_api: true });
    try {
      const res = await helperLogin({ client_id: shared, organization: 'acme' });
      expect(res.status).toBe(200);
      const access = decodeJwt(((await res.json()) as { access_token: string }).access_token);
      expect(access).toMatchObject({ org_id: acme.id, org_name: 'acme' });
    } finally {
      await api('PATCH', '/tenants/settings', { allow_organization_name_in_authentication_api: false });
    }
  });

  it('refuses a login through a connection the organization has not enabled', async () => {
    const bare = (await api('POST', '/organizations', { name: 'bare' })).body;
    await api('POST', `/organizations/${bare.id}/members`, { members: [ann] });
    const res = await helperLogin({ client_id: shared, organization: bare.id });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('access_denied');
  });
});

/** A tiny browser: keeps the `auth0` cookie, never follows redirects. */
class Browser {
  cookie = '';
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url.startsWith('http') ? url : `${emulator.url}${url}`, {
      redirect: 'manual',
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }
  post(url: string, form: Record<string, string>) {
    return this.get(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  }
}

const verifier = randomBytes(32).toString('base64url');
const authorize = (client: string, extra: Record<string, string> = {}) =>
  `/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: client,
    redirect_uri: CALLBACK,
    scope: 'openid',
    audience: AUDIENCE,
    state: 's1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  })}`;
const stateOf = async (page: Response) => /name="state" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
const redirect = (res: Response) => new URL(res.headers.get('location') ?? 'about:blank');
async function exchange(client: string, code: string, base = emulator.url) {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: APP },
    body: JSON.stringify({ grant_type: 'authorization_code', client_id: client, code, redirect_uri: CALLBACK, code_verifier: verifier }),
  });
  return (await res.json()) as { access_token: string; id_token: string };
}

describe('/authorize with organizations', () => {
  it('logs a member in through organization=<id>: org_id in the tokens; a non-member is sent back access_denied', async () => {
    const browser = new Browser();
    const page = await browser.get(authorize(shared, { organization: acme.id }));
    expect(page.status).toBe(200);
    const done = await browser.post('/u/login', { state: await stateOf(page), username: 'ann@acme.example', password: 'Str0ng-pass' });
    const code = redirect(done).searchParams.get('code')!;
    const tokens = await exchange(shared, code);
    expect(decodeJwt(tokens.access_token)['org_id']).toBe(acme.id);
    expect(decodeJwt(tokens.id_token)['org_id']).toBe(acme.id);
    // Single sign-on into another organization: the session's user is not a member.
    const other = await browser.get(authorize(shared, { organization: globex.id }));
    expect(other.status).toBe(302);
    expect(Object.fromEntries(redirect(other).searchParams)).toEqual({
      error: 'access_denied',
      error_description: `user ${ann} is not part of the ${globex.id} organization`,
      state: 's1',
    });
  });

  it('without organization: no_prompt is sent back invalid_request; pre_login_prompt asks for the name first', async () => {
    const none = await new Browser().get(authorize(shared));
    expect(redirect(none).searchParams.get('error_description')).toBe('parameter organization is required for this client');
    const browser = new Browser();
    const prompt = await browser.get(authorize(prompting));
    const html = await prompt.text();
    expect(html).toContain('Enter your organization name');
    const transaction = /name="state" value="([^"]+)"/.exec(html)![1]!;
    const unknown = await browser.post('/u/organization', { state: transaction, organizationName: 'nope' });
    expect(await unknown.text()).toContain('could not find this organization');
    const login = await browser.post('/u/organization', { state: transaction, organizationName: 'ACME' });
    const loginHtml = await login.text();
    expect(loginHtml).toContain('id="organization">ACME<');
    const done = await browser.post('/u/login', {
      state: /name="state" value="([^"]+)"/.exec(loginHtml)![1]!,
      username: 'ann@acme.example',
      password: 'Str0ng-pass',
    });
    const tokens = await exchange(prompting, redirect(done).searchParams.get('code')!);
    expect(decodeJwt(tokens.access_token)['org_id']).toBe(acme.id);
  });

  it('evaluates {organization_name} in callbacks only in the context of an organization, with its name', async () => {
    const placeholder = await spa('placeholder', { organization_usage: 'require', callbacks: [`${APP}/{organization_name}/`] });
    const plain = await spa('plain', { callbacks: [`${APP}/{organization_name}/`] });
    const at = (client: string, redirectUri: string, extra: Record<string, string> = {}) =>
      new Browser().get(`${authorize(client, extra).replace(encodeURIComponent(CALLBACK), encodeURIComponent(redirectUri))}`);
    // acme's login may come back to acme's URL, not to globex's, nor to the placeholder written out.
    expect((await at(placeholder, `${APP}/acme/`, { organization: acme.id })).status).toBe(200);
    for (const [uri, org] of [
      [`${APP}/globex/`, acme.id],
      [`${APP}/{organization_name}/`, acme.id],
    ] as const) {
      const refused = await at(placeholder, uri, { organization: org });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('Callback URL mismatch');
    }
    // An application that takes no organization never evaluates the placeholder.
    expect((await at(plain, `${APP}/acme/`)).status).toBe(400);
  });

  it('an invitation signs a new person up as a member, once; an existing user joins by logging in', async () => {
    const invitation = (
      await api('POST', `/organizations/${globex.id}/invitations`, {
        inviter: { name: 'Gus' },
        invitee: { email: 'nina@globex.example' },
        client_id: shared,
        send_invitation_email: false,
      })
    ).body;
    const link = new URL(invitation.invitation_url);
    const params = { invitation: link.searchParams.get('invitation')!, organization: link.searchParams.get('organization')! };
    const browser = new Browser();
    const page = await browser.get(authorize(shared, params));
    const html = await page.text();
    expect(html).toContain('value="nina@globex.example" readonly');
    const wrong = await browser.post('/u/login', {
      state: /name="state" value="([^"]+)"/.exec(html)![1]!,
      username: 'mallory@evil.example',
      password: 'Str0ng-pass',
    });
    expect(await wrong.text()).toContain('This invitation is for nina@globex.example');
    const retry = await browser.get(authorize(shared, params));
    const done = await browser.post('/u/login', { state: await stateOf(retry), username: 'nina@globex.example', password: 'N3w-passw0rd' });
    const tokens = await exchange(shared, redirect(done).searchParams.get('code')!);
    expect(decodeJwt(tokens.access_token)['org_id']).toBe(globex.id);
    const members = (await api('GET', `/organizations/${globex.id}/members`)).body.map((m: { email: string }) => m.email);
    expect(members).toContain('nina@globex.example');
    expect((await api('GET', `/organizations/${globex.id}/invitations`)).body).toEqual([]);
    const reused = await new Browser().get(authorize(shared, params));
    expect(redirect(reused).searchParams.get('error')).toBe('invalid_request');
    // Ann (an acme member) accepts an invitation to globex with her own password.
    const second = (
      await api('POST', `/organizations/${globex.id}/invitations`, {
        inviter: { name: 'Gus' },
        invitee: { email: 'ann@acme.example' },
        client_id: shared,
      })
    ).body;
    const secondLink = new URL(second.invitation_url);
    const annBrowser = new Browser();
    const annPage = await annBrowser.get(authorize(shared, { invitation: secondLink.searchParams.get('invitation')!, organization: globex.id }));
    const annDone = await annBrowser.post('/u/login', { state: await stateOf(annPage), username: 'ann@acme.example', password: 'Str0ng-pass' });
    expect(decodeJwt((await exchange(shared, redirect(annDone).searchParams.get('code')!)).access_token)['org_id']).toBe(globex.id);
    await api('DELETE', `/organizations/${globex.id}/members`, { members: [ann] });
  });
});

describe('the custom domain', () => {
  it('serves localhost:<port> as the same tenant issuing its own iss, with its own discovery document', async () => {
    expect(emulator.customDomain).toBe(`localhost:${emulator.domain.split(':')[1]}`);
    const custom = `https://${emulator.customDomain}`;
    const discovery = (await (await fetch(`${custom}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(`${custom}/`);
    expect(discovery.jwks_uri).toBe(`${custom}/.well-known/jwks.json`);
    const res = await helperLogin({ client_id: shared, organization: acme.id }, custom);
    const { access_token } = (await res.json()) as { access_token: string };
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: `${custom}/`, audience: AUDIENCE });
    expect(payload['org_id']).toBe(acme.id);
    const canonical = decodeJwt(((await (await helperLogin({ client_id: shared, organization: acme.id })).json()) as { access_token: string }).access_token);
    expect(canonical.iss).toBe(`${emulator.url}/`);
    // A browser login through the custom domain: the code's tokens carry the custom domain's issuer.
    const browser = new Browser();
    const page = await browser.get(`${custom}${authorize(shared, { organization: acme.id })}`);
    const done = await browser.post(`${custom}/u/login`, { state: await stateOf(page), username: 'ann@acme.example', password: 'Str0ng-pass' });
    const tokens = await exchange(shared, redirect(done).searchParams.get('code')!, custom);
    expect(decodeJwt(tokens.id_token).iss).toBe(`${custom}/`);
  });
});
