import type { Entity } from './state.js';
import type { Tenant } from './management/handler.js';
import { findResourceServer } from './management/resource-servers.js';
import type { SigningKeys } from './signing.js';

/** An OAuth error answer of the Authentication API: `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
  toBody(): Entity {
    return { error: this.error, error_description: this.message };
  }
}

export const issuerOf = (tenant: Tenant): string => `https://${tenant.domain}/`;

export function openidConfiguration(tenant: Tenant): Entity {
  const issuer = issuerOf(tenant);
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    end_session_endpoint: `${issuer}oidc/logout`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'web_message'],
    code_challenge_methods_supported: ['S256', 'plain'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    claims_supported: ['aud', 'auth_time', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'nickname', 'picture', 'sid', 'sub'],
  };
}

/** Reads client credentials from the form or from HTTP Basic, as Auth0 accepts both. */
export function clientCredentialsOf(body: Entity, authorization: string | undefined): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent);
    return { ...(id ? { id } : {}), ...(secret ? { secret } : {}) };
  }
  const id = typeof body['client_id'] === 'string' ? body['client_id'] : undefined;
  const secret = typeof body['client_secret'] === 'string' ? body['client_secret'] : undefined;
  return { ...(id ? { id } : {}), ...(secret ? { secret } : {}) };
}

/** `grant_type=client_credentials`, refused exactly where Auth0 refuses it. */
export async function clientCredentialsGrant(tenant: Tenant, keys: SigningKeys, body: Entity, authorization?: string): Promise<Entity> {
  const { id, secret } = clientCredentialsOf(body, authorization);
  const client = id ? tenant.state.data.clients[id] : undefined;
  if (!client || client['global']) throw new OAuthError(401, 'access_denied', 'Unauthorized');
  if (client['client_secret'] !== secret) throw new OAuthError(401, 'access_denied', 'Unauthorized');
  if (!(client['grant_types'] as string[] | undefined)?.includes('client_credentials')) {
    throw new OAuthError(403, 'unauthorized_client', "Grant type 'client_credentials' not allowed for the client.");
  }
  const audience = typeof body['audience'] === 'string' ? body['audience'] : undefined;
  if (!audience) {
    throw new OAuthError(403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');
  }
  const api = findResourceServer(tenant, audience);
  if (!api || api['identifier'] !== audience) throw new OAuthError(403, 'access_denied', `Service not found: ${audience}`);
  const grant = Object.values(tenant.state.data.clientGrants).find(
    (g) => g['client_id'] === id && g['audience'] === audience && (g['subject_type'] ?? 'client') === 'client',
  );
  if (!grant) {
    throw new OAuthError(
      403,
      'access_denied',
      `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
    );
  }
  const granted = (grant['scope'] as string[] | undefined) ?? [];
  const requested = typeof body['scope'] === 'string' ? body['scope'].split(' ').filter(Boolean) : undefined;
  const scope = (requested ? granted.filter((s) => requested.includes(s)) : granted).join(' ');
  const expiresIn = Number(api['token_lifetime'] ?? 86400);
  const now = Math.floor(Date.now() / 1000);
  const access_token = await keys.sign(
    {
      iss: issuerOf(tenant),
      sub: `${id}@clients`,
      aud: audience,
      iat: now,
      exp: now + expiresIn,
      scope,
      gty: 'client-credentials',
      azp: id,
    },
    api['token_dialect'] === 'rfc9068_profile' ? 'at+jwt' : 'JWT',
  );
  return { access_token, scope, expires_in: expiresIn, token_type: 'Bearer' };
}
