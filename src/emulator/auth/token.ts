import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http.js';
import { authorizeLogin, hash, mintTokens, type Authorization } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { clientCredentialsGrant, clientCredentialsOf, OAuthError } from '../oauth.js';
import type { SigningKeys } from '../signing.js';
import type { Entity } from '../state.js';
import { findLoginClient, loginClient, requestInfo, type Body } from './common.js';
import { requireAllowedOrigin } from './cors.js';

async function formOrJson(req: IncomingMessage): Promise<Body> {
  try {
    return (await readBody(req)) ?? {};
  } catch {
    throw new OAuthError(400, 'invalid_request', 'Invalid request body');
  }
}

/** `POST /oauth/token`: client credentials, authorization code (PKCE or secret), refresh token with rotation. */
export async function token(req: IncomingMessage, res: ServerResponse, tenant: Tenant, keys: SigningKeys): Promise<Body> {
  const body = await formOrJson(req);
  const { id } = clientCredentialsOf(body, req.headers.authorization);
  requireAllowedOrigin(req, res, id ? tenant.state.data.clients[id] : undefined);
  switch (body['grant_type']) {
    case 'client_credentials':
      return clientCredentialsGrant(tenant, keys, body, req.headers.authorization);
    case 'authorization_code':
      return { ...(await codeGrant(tenant, keys, body, req.headers.authorization)) };
    case 'refresh_token':
      return { ...(await refreshGrant(req, tenant, keys, body)) };
    default:
      throw new OAuthError(403, 'unsupported_grant_type', `Unsupported grant type: ${String(body['grant_type'])}`);
  }
}

/**
 * `POST /oauth/revoke` `{client_id, client_secret?, token}`: revokes a refresh token and every token rotated
 * from it. As RFC 7009 and Auth0 answer, an unknown token (or another application's) is a 200 that changes
 * nothing; a wrong client is 401.
 */
export async function revoke(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = await formOrJson(req);
  const { id } = clientCredentialsOf(body, req.headers.authorization);
  const client = findLoginClient(tenant, id);
  requireAllowedOrigin(req, res, client);
  if (!client) throw new OAuthError(401, 'invalid_client', 'Unknown client.');
  if (client['token_endpoint_auth_method'] !== 'none') {
    const { secret } = clientCredentialsOf(body, req.headers.authorization);
    if (secret !== client['client_secret']) throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
  }
  if (typeof body['token'] !== 'string' || body['token'] === '') throw new OAuthError(400, 'invalid_request', 'Missing required parameter: token');
  const grant = tenant.state.data.grants[hash(body['token'])];
  if (grant?.['type'] === 'refresh' && grant['clientId'] === id) {
    for (const [k, g] of Object.entries(tenant.state.data.grants))
      if (g['type'] === 'refresh' && g['family'] === grant['family']) delete tenant.state.data.grants[k];
    tenant.state.commit();
  }
  res.writeHead(200, { 'cache-control': 'no-store' }).end();
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
    client,
    user,
    audience: previous.audience,
    scope: previous.scope,
    nonce: undefined,
    protocol: 'oauth2-refresh-token',
    request: requestInfo(req, new URL(`https://${tenant.domain}/oauth/token`)),
  });
  const tokens = await mintTokens(tenant, keys, {
    ...auth,
    scope: auth.scope.filter((s) => s !== 'offline_access').concat(rotating ? ['offline_access'] : []),
  });
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
