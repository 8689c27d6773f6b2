import type { IncomingMessage, ServerResponse } from 'node:http';
import { hash } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { issuerOf, OAuthError } from '../oauth.js';
import type { SigningKeys } from '../signing.js';
import { scopesOf, type Body } from './common.js';
import { allowOriginOf } from './cors.js';

/** `GET /userinfo`: the profile an access token with `openid` (and `profile`, `email`) may read. */
export async function userinfo(req: IncomingMessage, res: ServerResponse, tenant: Tenant, keys: SigningKeys): Promise<Body> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) throw new OAuthError(401, 'invalid_token', 'Missing access token');
  let userId: string | undefined;
  let clientId: string | undefined;
  let scope: string[];
  const opaque = tenant.state.data.grants[hash(bearer)];
  if (opaque?.['type'] === 'opaque' && Number(opaque['exp']) > Date.now() / 1000) {
    userId = String(opaque['user_id']);
    clientId = String(opaque['client_id']);
    scope = opaque['scope'] as string[];
  } else {
    try {
      const payload = await keys.verify(bearer, issuerOf(tenant), `${issuerOf(tenant)}userinfo`);
      userId = String(payload.sub);
      clientId = String(payload['azp'] ?? payload['client_id']);
      scope = scopesOf(payload['scope']);
    } catch {
      throw new OAuthError(401, 'invalid_token', 'Invalid access token');
    }
  }
  allowOriginOf(req, res, tenant.state.data.clients[clientId]);
  const user = tenant.state.data.users[userId];
  if (!user) throw new OAuthError(401, 'invalid_token', 'Invalid access token');
  return {
    sub: userId,
    ...(scope.includes('profile') ? { nickname: user['nickname'], name: user['name'], picture: user['picture'], updated_at: user['updated_at'] } : {}),
    ...(scope.includes('email') ? { email: user['email'], email_verified: user['email_verified'] } : {}),
  };
}
