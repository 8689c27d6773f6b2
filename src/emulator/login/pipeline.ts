import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { findResourceServer } from '../management/resource-servers.js';
import type { Tenant } from '../management/handler.js';
import { mergeMetadata } from '../management/users.js';
import { issuerOf, OAuthError } from '../oauth.js';
import type { SigningKeys } from '../signing.js';
import type { Entity } from '../state.js';
import { runPostLoginActions } from './action-runner.js';
import { allowedClaims } from './restricted-claims.js';

const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** What a login decided, kept until the tokens are minted (at the code exchange, or at once). */
export interface Authorization {
  clientId: string;
  userId: string;
  audience: string | undefined;
  scope: string[];
  nonce: string | undefined;
  accessClaims: Record<string, unknown>;
  idClaims: Record<string, unknown>;
  /** The login session's id (the ID token's `sid`), when the login came through a browser session. */
  sid?: string;
  /** When the user last entered credentials; in the ID token when the request sent `max_age`. */
  authTime?: number;
}

export interface LoginInput {
  client: Entity;
  user: Entity;
  audience: string | undefined;
  scope: string[];
  nonce: string | undefined;
  protocol: 'oidc-basic-profile' | 'oauth2-refresh-token' | 'oauth2-resource-owner';
  request: { ip: string; method: string; hostname: string; user_agent: string; query: Entity; body: Entity };
}

/**
 * A user login as Auth0 runs it: the API must exist and, under `require_client_grant`, the application
 * must hold a user client grant for it; then every bound post-login Action runs, and may deny.
 */
export async function authorizeLogin(tenant: Tenant, input: LoginInput): Promise<Authorization> {
  const clientId = String(input.client['client_id']);
  let apiScopes: string[] = [];
  if (input.audience !== undefined) {
    const api = findResourceServer(tenant, input.audience);
    if (!api || api['identifier'] !== input.audience || api['is_system']) {
      throw new OAuthError(403, 'access_denied', `Service not found: ${input.audience}`);
    }
    const policy = (api['subject_type_authorization'] as { user?: { policy?: string } } | undefined)?.user?.policy ?? 'allow_all';
    const grant = Object.values(tenant.state.data.clientGrants).find(
      (g) => g['client_id'] === clientId && g['audience'] === input.audience && g['subject_type'] === 'user',
    );
    if (policy === 'deny_all' || (policy === 'require_client_grant' && !grant)) {
      throw new OAuthError(403, 'access_denied', `Client "${clientId}" is not authorized to access resource server "${input.audience}".`);
    }
    const defined = ((api['scopes'] as { value: string }[] | undefined) ?? []).map((s) => s.value);
    const granted = policy === 'require_client_grant' ? ((grant?.['scope'] as string[] | undefined) ?? []) : defined;
    apiScopes = input.scope.filter((s) => defined.includes(s) && granted.includes(s));
    if (!api['allow_offline_access']) input = { ...input, scope: input.scope.filter((s) => s !== 'offline_access') };
  }
  const { __password, ...user } = input.user;
  const outcome = await runPostLoginActions(tenant, {
    user: { ...user, app_metadata: user['app_metadata'] ?? {}, user_metadata: user['user_metadata'] ?? {} },
    client: { client_id: clientId, name: String(input.client['name'] ?? ''), metadata: (input.client['client_metadata'] as Record<string, unknown>) ?? {} },
    ...(input.audience !== undefined ? { resource_server: { identifier: input.audience } } : {}),
    request: { ...input.request, language: 'en' },
    transaction: { protocol: input.protocol, requested_scopes: input.scope },
  });
  if (outcome.denied !== undefined) throw new OAuthError(403, 'access_denied', outcome.denied);
  if (outcome.appMetadata) input.user['app_metadata'] = mergeMetadata(input.user['app_metadata'] as Entity, outcome.appMetadata);
  if (outcome.userMetadata) input.user['user_metadata'] = mergeMetadata(input.user['user_metadata'] as Entity, outcome.userMetadata);
  input.user['logins_count'] = Number(input.user['logins_count'] ?? 0) + 1;
  input.user['last_login'] = new Date().toISOString();
  tenant.state.commit();
  return {
    clientId,
    userId: String(input.user['user_id']),
    audience: input.audience,
    scope: [...input.scope.filter((s) => OIDC_SCOPES.includes(s)), ...apiScopes],
    nonce: input.nonce,
    accessClaims: allowedClaims(outcome.accessClaims),
    idClaims: allowedClaims(outcome.idClaims),
  };
}

export interface TokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
  token_type: 'Bearer';
}

/** Mints Auth0-shaped tokens. Without an audience the access token is opaque (a JWE), as Auth0's is. */
export async function mintTokens(tenant: Tenant, keys: SigningKeys, auth: Authorization): Promise<TokenSet> {
  const client = tenant.state.data.clients[auth.clientId] ?? {};
  const user = tenant.state.data.users[auth.userId] ?? {};
  const iss = issuerOf(tenant);
  const now = Math.floor(Date.now() / 1000);
  const openid = auth.scope.includes('openid');
  let access_token: string;
  let expiresIn = 86400;
  if (auth.audience !== undefined) {
    const api = findResourceServer(tenant, auth.audience) ?? {};
    expiresIn = Number(api['token_lifetime'] ?? 86400);
    const rfc9068 = String(api['token_dialect'] ?? '').startsWith('rfc9068_profile');
    access_token = await keys.sign(
      {
        ...auth.accessClaims,
        iss,
        sub: auth.userId,
        aud: openid ? [auth.audience, `${iss}userinfo`] : auth.audience,
        iat: now,
        exp: now + expiresIn,
        scope: auth.scope.join(' '),
        ...(rfc9068 ? { jti: randomBytes(16).toString('hex'), client_id: auth.clientId } : { azp: auth.clientId }),
      },
      rfc9068 ? 'at+jwt' : 'JWT',
    );
  } else {
    access_token = opaqueToken(iss);
    tenant.state.data.grants[hash(access_token)] = { type: 'opaque', user_id: auth.userId, client_id: auth.clientId, scope: auth.scope, exp: now + expiresIn };
  }
  const tokens: TokenSet = { access_token, scope: auth.scope.join(' '), expires_in: expiresIn, token_type: 'Bearer' };
  if (openid) tokens.id_token = await idToken(client, user, auth, iss, now, keys);
  const grantTypes = (client['grant_types'] as string[] | undefined) ?? [];
  if (auth.scope.includes('offline_access') && grantTypes.includes('refresh_token')) {
    const refresh = `v1.${randomBytes(32).toString('base64url')}`;
    tenant.state.data.grants[hash(refresh)] = { type: 'refresh', family: randomBytes(8).toString('hex'), used: false, ...auth };
    tokens.refresh_token = refresh;
  }
  tenant.state.commit();
  return tokens;
}

export const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

async function idToken(client: Entity, user: Entity, auth: Authorization, iss: string, now: number, keys: SigningKeys): Promise<string> {
  const jwtConfig = (client['jwt_configuration'] as { alg?: string; lifetime_in_seconds?: number } | undefined) ?? {};
  const profile = auth.scope.includes('profile')
    ? { nickname: user['nickname'], name: user['name'], picture: user['picture'], updated_at: user['updated_at'] }
    : {};
  const email = auth.scope.includes('email') ? { email: user['email'], email_verified: user['email_verified'] } : {};
  const claims = {
    ...auth.idClaims,
    ...profile,
    ...email,
    iss,
    aud: auth.clientId,
    sub: auth.userId,
    iat: now,
    exp: now + Number(jwtConfig.lifetime_in_seconds ?? 36000),
    sid: auth.sid ?? randomBytes(16).toString('base64url'),
    ...(auth.authTime !== undefined ? { auth_time: auth.authTime } : {}),
    ...(auth.nonce !== undefined ? { nonce: auth.nonce } : {}),
  };
  // An application left on HS256 gets ID tokens signed with its client secret, as on Auth0.
  if ((jwtConfig.alg ?? 'HS256') === 'HS256') {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(String(client['client_secret'])));
  }
  return keys.sign(claims);
}

/** Auth0's audience-less access tokens are JWEs (`dir`, `A256GCM`) only Auth0 can read. */
function opaqueToken(iss: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', iss })).toString('base64url');
  return [header, '', randomBytes(12).toString('base64url'), randomBytes(48).toString('base64url'), randomBytes(16).toString('base64url')].join('.');
}
