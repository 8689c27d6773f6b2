import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http.js';
import { authorizeLogin, hash, mintTokens, type Authorization, type LoginInput } from './login/pipeline.js';
import { loginPage } from './login/login-page.js';
import type { Tenant } from './management/handler.js';
import { checkPassword } from './management/users.js';
import { clientCredentialsGrant, clientCredentialsOf, issuerOf, OAuthError, openidConfiguration } from './oauth.js';
import type { SigningKeys } from './signing.js';
import type { Entity } from './state.js';

type Body = Record<string, unknown>;
const CODE_TTL_S = 600;

/** The Authentication API: discovery, keys, /authorize with a login page, /oauth/token, /userinfo, and the test login helper. */
export async function serveAuthentication(req: IncomingMessage, res: ServerResponse, url: URL, tenant: Tenant, keys: SigningKeys): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /.well-known/openid-configuration': return sendJson(res, 200, openidConfiguration(tenant));
      case 'GET /.well-known/jwks.json': return sendJson(res, 200, keys.jwks);
      case 'GET /authorize': return authorize(res, url, tenant);
      case 'POST /u/login': return await submitLogin(req, res, tenant);
      case 'POST /oauth/token': return sendJson(res, 200, await token(req, tenant, keys), { 'cache-control': 'no-store' });
      case 'GET /userinfo': return sendJson(res, 200, await userinfo(req, tenant, keys));
      case 'POST /__emulator/login': return sendJson(res, 200, await helperLogin(req, tenant, keys));
      default: return sendJson(res, 404, { error: 'not_found', error_description: 'Not found' });
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return sendJson(res, error.status, error.toBody());
  }
}

const requestInfo = (req: IncomingMessage, url: URL, body: Body = {}): LoginInput['request'] => ({
  ip: req.socket.remoteAddress ?? '', method: req.method ?? 'GET', hostname: url.host,
  user_agent: String(req.headers['user-agent'] ?? ''), query: Object.fromEntries(url.searchParams), body,
});

const scopesOf = (value: unknown): string[] => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : []);

function userByEmail(tenant: Tenant, username: unknown): Entity | undefined {
  const email = String(username ?? '').toLowerCase();
  return Object.values(tenant.state.data.users).find((u) => u['email'] === email);
}

function loginClient(tenant: Tenant, clientId: unknown): Entity {
  const client = typeof clientId === 'string' ? tenant.state.data.clients[clientId] : undefined;
  if (!client || client['global']) throw new OAuthError(401, 'invalid_client', 'Unknown client.');
  return client;
}

function redirectAllowed(client: Entity, redirectUri: string): boolean {
  return ((client['callbacks'] as string[] | undefined) ?? []).some((cb) => {
    if (!cb.includes('*')) return cb === redirectUri;
    const pattern = new RegExp(`^${cb.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^./]+')}$`);
    return pattern.test(redirectUri);
  });
}

function authorize(res: ServerResponse, url: URL, tenant: Tenant): void {
  const q = Object.fromEntries(url.searchParams);
  const client = loginClient(tenant, q['client_id']);
  const redirectUri = q['redirect_uri'] ?? '';
  if (!redirectAllowed(client, redirectUri)) {
    throw new OAuthError(400, 'invalid_request', `Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs`);
  }
  if (q['response_type'] !== 'code') throw new OAuthError(400, 'unsupported_response_type', `Unsupported response type: ${q['response_type'] ?? ''}`);
  if (q['code_challenge'] && q['code_challenge_method'] && !['S256', 'plain'].includes(q['code_challenge_method'])) {
    throw new OAuthError(400, 'invalid_request', 'Unsupported code_challenge_method');
  }
  const transaction = randomBytes(16).toString('base64url');
  tenant.state.data.grants[`txn:${transaction}`] = { type: 'transaction', query: q, exp: Math.floor(Date.now() / 1000) + CODE_TTL_S };
  tenant.state.commit();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(transaction, String(client['name'] ?? '')));
}

async function submitLogin(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = (await readBody(req)) ?? {};
  const transaction = tenant.state.data.grants[`txn:${String(body['state'])}`];
  if (!transaction || Number(transaction['exp']) < Date.now() / 1000) throw new OAuthError(400, 'invalid_request', 'The login transaction expired; start again.');
  const q = transaction['query'] as Record<string, string>;
  const client = loginClient(tenant, q['client_id']);
  const user = userByEmail(tenant, body['username']);
  if (!user || !checkPassword(user, String(body['password'] ?? ''))) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(String(body['state']), String(client['name'] ?? ''), 'Wrong email or password.'));
    return;
  }
  delete tenant.state.data.grants[`txn:${String(body['state'])}`];
  const back = new URL(q['redirect_uri'] ?? '');
  if (q['state'] !== undefined) back.searchParams.set('state', q['state']);
  try {
    const auth = await authorizeLogin(tenant, {
      client, user, audience: q['audience'], scope: scopesOf(q['scope'] ?? 'openid'), nonce: q['nonce'], protocol: 'oidc-basic-profile',
      request: { ip: req.socket.remoteAddress ?? '', method: 'POST', hostname: String(req.headers.host ?? ''), user_agent: String(req.headers['user-agent'] ?? ''), query: q, body: {} },
    });
    const code = randomBytes(24).toString('base64url');
    tenant.state.data.grants[`code:${hash(code)}`] = {
      type: 'code', auth, redirect_uri: q['redirect_uri'], challenge: q['code_challenge'], method: q['code_challenge_method'] ?? 'plain',
      exp: Math.floor(Date.now() / 1000) + CODE_TTL_S,
    };
    tenant.state.commit();
    back.searchParams.set('code', code);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    back.searchParams.set('error', error.error);
    back.searchParams.set('error_description', error.message);
  }
  res.writeHead(302, { location: back.toString() }).end();
}

async function token(req: IncomingMessage, tenant: Tenant, keys: SigningKeys): Promise<Body> {
  let body: Body;
  try {
    body = (await readBody(req)) ?? {};
  } catch {
    throw new OAuthError(400, 'invalid_request', 'Invalid request body');
  }
  switch (body['grant_type']) {
    case 'client_credentials': return clientCredentialsGrant(tenant, keys, body, req.headers.authorization);
    case 'authorization_code': return { ...(await codeGrant(tenant, keys, body, req.headers.authorization)) };
    case 'refresh_token': return { ...(await refreshGrant(req, tenant, keys, body)) };
    default: throw new OAuthError(403, 'unsupported_grant_type', `Unsupported grant type: ${String(body['grant_type'])}`);
  }
}

/** Public clients prove themselves with PKCE; confidential ones with their secret. */
function authenticateClient(client: Entity, body: Body, authorization: string | undefined, pkceVerified: boolean): void {
  if (client['token_endpoint_auth_method'] === 'none') {
    if (!pkceVerified) throw new OAuthError(401, 'invalid_client', 'A public client must use PKCE (code_verifier).');
    return;
  }
  const { secret } = clientCredentialsOf(body, authorization);
  if (secret !== client['client_secret']) throw new OAuthError(401, 'access_denied', 'Unauthorized');
}

async function codeGrant(tenant: Tenant, keys: SigningKeys, body: Body, authorization: string | undefined) {
  const key = `code:${hash(String(body['code'] ?? ''))}`;
  const grant = tenant.state.data.grants[key];
  const { id } = clientCredentialsOf(body, authorization);
  if (!grant || Number(grant['exp']) < Date.now() / 1000) throw new OAuthError(403, 'invalid_grant', 'Invalid authorization code');
  delete tenant.state.data.grants[key]; // one use only
  tenant.state.commit();
  const auth = grant['auth'] as Authorization;
  if (auth.clientId !== id) throw new OAuthError(403, 'invalid_grant', 'Invalid authorization code');
  if (grant['redirect_uri'] !== body['redirect_uri']) throw new OAuthError(403, 'invalid_grant', 'Invalid redirect_uri');
  let pkce = false;
  if (typeof grant['challenge'] === 'string') {
    const verifier = String(body['code_verifier'] ?? '');
    const expected = grant['method'] === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (expected !== grant['challenge']) throw new OAuthError(403, 'invalid_grant', 'Failed to verify code verifier');
    pkce = true;
  }
  authenticateClient(loginClient(tenant, auth.clientId), body, authorization, pkce);
  return mintTokens(tenant, keys, auth);
}

async function refreshGrant(req: IncomingMessage, tenant: Tenant, keys: SigningKeys, body: Body) {
  const key = hash(String(body['refresh_token'] ?? ''));
  const grant = tenant.state.data.grants[key];
  const { id } = clientCredentialsOf(body, req.headers.authorization);
  if (!grant || grant['type'] !== 'refresh' || grant['clientId'] !== id) throw new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
  const client = loginClient(tenant, id);
  if (client['token_endpoint_auth_method'] !== 'none') authenticateClient(client, body, req.headers.authorization, false);
  const rotating = (client['refresh_token'] as { rotation_type?: string } | undefined)?.rotation_type === 'rotating';
  if (rotating && grant['used']) {
    // Reuse of a rotated refresh token: Auth0 revokes the whole family.
    for (const [k, g] of Object.entries(tenant.state.data.grants)) if (g['family'] === grant['family']) delete tenant.state.data.grants[k];
    tenant.state.commit();
    throw new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
  }
  const user = tenant.state.data.users[String(grant['userId'])];
  if (!user) throw new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
  const previous = grant as unknown as Authorization;
  const auth = await authorizeLogin(tenant, {
    client, user, audience: previous.audience, scope: previous.scope, nonce: undefined, protocol: 'oauth2-refresh-token',
    request: requestInfo(req, new URL(`https://${tenant.domain}/oauth/token`)),
  });
  const tokens = await mintTokens(tenant, keys, { ...auth, scope: auth.scope.filter((s) => s !== 'offline_access').concat(rotating ? ['offline_access'] : []) });
  if (rotating) {
    grant['used'] = true;
    const next = tokens.refresh_token ? tenant.state.data.grants[hash(tokens.refresh_token)] : undefined;
    if (next) next['family'] = grant['family'];
  } else {
    delete tokens.refresh_token;
  }
  tenant.state.commit();
  return tokens;
}

async function userinfo(req: IncomingMessage, tenant: Tenant, keys: SigningKeys): Promise<Body> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) throw new OAuthError(401, 'invalid_token', 'Missing access token');
  let userId: string | undefined;
  let scope: string[] = [];
  const opaque = tenant.state.data.grants[hash(bearer)];
  if (opaque?.['type'] === 'opaque' && Number(opaque['exp']) > Date.now() / 1000) {
    userId = String(opaque['user_id']);
    scope = opaque['scope'] as string[];
  } else {
    try {
      const payload = await keys.verify(bearer, issuerOf(tenant), `${issuerOf(tenant)}userinfo`);
      userId = String(payload.sub);
      scope = scopesOf(payload['scope']);
    } catch {
      throw new OAuthError(401, 'invalid_token', 'Invalid access token');
    }
  }
  const user = tenant.state.data.users[userId];
  if (!user) throw new OAuthError(401, 'invalid_token', 'Invalid access token');
  return {
    sub: userId,
    ...(scope.includes('profile') ? { nickname: user['nickname'], name: user['name'], picture: user['picture'], updated_at: user['updated_at'] } : {}),
    ...(scope.includes('email') ? { email: user['email'], email_verified: user['email_verified'] } : {}),
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Test helper (loopback only): the whole login pipeline without a browser. */
async function helperLogin(req: IncomingMessage, tenant: Tenant, keys: SigningKeys): Promise<Body> {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) throw new OAuthError(403, 'access_denied', 'The login helper answers loopback callers only.');
  let body: Body;
  try {
    body = (await readBody(req)) ?? {};
  } catch {
    throw new OAuthError(400, 'invalid_request', 'Invalid JSON');
  }
  const client = loginClient(tenant, body['client_id']);
  const user = userByEmail(tenant, body['username']);
  if (!user || !checkPassword(user, String(body['password'] ?? ''))) throw new OAuthError(403, 'invalid_grant', 'Wrong email or password.');
  const auth = await authorizeLogin(tenant, {
    client, user, audience: typeof body['audience'] === 'string' ? body['audience'] : undefined,
    scope: scopesOf(body['scope'] ?? 'openid'), nonce: typeof body['nonce'] === 'string' ? body['nonce'] : undefined,
    protocol: 'oauth2-resource-owner', request: requestInfo(req, new URL(`https://${tenant.domain}/__emulator/login`), {}),
  });
  const tokens = await mintTokens(tenant, keys, auth);
  return { access_token: tokens.access_token, id_token: tokens.id_token, ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}), scope: tokens.scope, expires_in: tokens.expires_in, token_type: 'Bearer' };
}
