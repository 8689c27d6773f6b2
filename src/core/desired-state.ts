import type { Body } from '../auth0/management-port.js';
import { fillTenant, type ProjectConfig } from './project-config.js';

export const TENANT_TAG = 'tenant';
/** The ownership marker beside the tenant id in client_metadata: only applications carrying it are ours. */
export const OWNER_KEY = 'tenants_managed_by';
export const OWNER_VALUE = 'auth0-tenants';
/** Our keys in an application's client_metadata (Auth0 merges client_metadata at the top level on PATCH). */
export const ownedMetadata = (tenant: string): Record<string, string> => ({ [TENANT_TAG]: tenant, [OWNER_KEY]: OWNER_VALUE });
export const POST_LOGIN = 'post-login';
export const ACTION_RUNTIME = 'node22';

/** Per-tenant replacements of the config's application defaults (from a sync manifest). */
export interface ApplicationOverrides {
  name?: string | undefined;
  callbacks?: string[] | undefined;
  logoutUrls?: string[] | undefined;
  webOrigins?: string[] | undefined;
}

/** One SPA per tenant, tagged with client_metadata.tenant and our ownership marker so the tool finds it again. */
export function desiredApplication(config: ProjectConfig, tenant: string, overrides: ApplicationOverrides = {}): Body {
  const fill = (values: string[]) => values.map((v) => fillTenant(v, tenant));
  const app = { ...config.application, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  return {
    name: fillTenant(app.name, tenant),
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    oidc_conformant: true,
    jwt_configuration: { alg: 'RS256' },
    refresh_token: {
      rotation_type: 'rotating',
      expiration_type: 'expiring',
      leeway: 0,
      token_lifetime: 2_592_000,
      infinite_token_lifetime: false,
      idle_token_lifetime: 1_296_000,
      infinite_idle_token_lifetime: false,
    },
    callbacks: fill(app.callbacks),
    allowed_logout_urls: fill(app.logoutUrls),
    web_origins: fill(app.webOrigins),
    client_metadata: ownedMetadata(tenant),
  };
}

/**
 * The shared API: identifier = audience, RS256, and (by default) tied to the applications holding a grant.
 * With requireClientGrant off, the access policy is sent only to undo a require_client_grant already set,
 * so a tenant without API access policies (the field refused) works with the switch off.
 */
export function desiredResourceServer(
  config: ProjectConfig,
  current?: { subject_type_authorization?: { user?: { policy?: string | undefined } | undefined } | undefined },
): Body {
  const undo = !config.requireClientGrant && current?.subject_type_authorization?.user?.policy === 'require_client_grant';
  return {
    name: config.apiName,
    identifier: config.audience,
    signing_alg: 'RS256',
    // The SPAs use rotating refresh tokens: Auth0 issues them for an API only when it allows offline access.
    allow_offline_access: true,
    ...(config.requireClientGrant || undo
      ? { subject_type_authorization: { user: { policy: config.requireClientGrant ? 'require_client_grant' : 'allow_all' } } }
      : {}),
  };
}

export function desiredUserGrant(config: ProjectConfig, clientId: string): Body {
  return { client_id: clientId, audience: config.audience, scope: [], subject_type: 'user' };
}

/**
 * The PATCH that repairs drifted fields: only those. client_metadata carries only our keys: Auth0 merges
 * it at the top level, so every other key stays as it was.
 */
export function repairPatch(desired: Body, changes: string[], tenant: string): Body {
  const patch = Object.fromEntries(changes.map((k) => [k, desired[k]]));
  if (patch['client_metadata']) patch['client_metadata'] = ownedMetadata(tenant);
  return patch;
}
