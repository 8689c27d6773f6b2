import type { IncomingMessage } from 'node:http';
import { readBody } from '../http.js';
import { authorizeLogin, mintTokens } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { checkPassword } from '../management/users.js';
import { OAuthError } from '../oauth.js';
import type { SigningKeys } from '../signing.js';
import { loginClient, requestInfo, scopesOf, userByEmail, type Body } from './common.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Test helper (loopback only): the whole login pipeline without a browser. */
export async function helperLogin(req: IncomingMessage, tenant: Tenant, keys: SigningKeys): Promise<Body> {
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
    client,
    user,
    audience: typeof body['audience'] === 'string' ? body['audience'] : undefined,
    scope: scopesOf(body['scope'] ?? 'openid'),
    nonce: typeof body['nonce'] === 'string' ? body['nonce'] : undefined,
    protocol: 'oauth2-resource-owner',
    request: requestInfo(req, new URL(`https://${tenant.domain}/__emulator/login`), {}),
  });
  const tokens = await mintTokens(tenant, keys, auth);
  return {
    access_token: tokens.access_token,
    id_token: tokens.id_token,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    scope: tokens.scope,
    expires_in: tokens.expires_in,
    token_type: 'Bearer',
  };
}
