import { createHash } from 'node:crypto';
import type { Body } from '../auth0/management-port.js';
import type { Client } from '../auth0/resources.js';
import { desiredApplication, OWNER_KEY, OWNER_VALUE } from './desired-state.js';
import type { ProjectConfig } from './project-config.js';
import { bySurvivorOrder } from './survivor-order.js';

/** The role tag of the one application the organizations strategy shares between all tenants. */
export const ROLE_KEY = 'tenants_role';
export const SHARED_APP_ROLE = 'organizations-app';
/** Which project (shared API) the shared application belongs to: several projects may share one Auth0 tenant. */
export const API_KEY = 'tenants_api';

/** The audience as a client_metadata value (at most 255 characters: a longer audience is named by its SHA-256). */
export const apiKeyOf = (audience: string): string => (audience.length <= 255 ? audience : `sha256:${createHash('sha256').update(audience).digest('hex')}`);

/** The shared application's client_metadata: our marker, the role tag and the project's API. Never a `tenant` key. */
export const sharedApplicationMarker = (config: Pick<ProjectConfig, 'audience'>): Record<string, string> => ({
  [OWNER_KEY]: OWNER_VALUE,
  [ROLE_KEY]: SHARED_APP_ROLE,
  [API_KEY]: apiKeyOf(config.audience),
});

/** Whether an application is this project's shared application (our marker, the role tag, this API). */
export function isSharedApplication(client: Client, config: Pick<ProjectConfig, 'audience'>): boolean {
  const meta = client.client_metadata;
  return !client.global && meta?.[OWNER_KEY] === OWNER_VALUE && meta[ROLE_KEY] === SHARED_APP_ROLE && meta[API_KEY] === apiKeyOf(config.audience);
}

/** This project's shared applications, the one kept first (the oldest by its creation stamp); more than one is a duplicate. */
export const findSharedApplications = (clients: Client[], config: Pick<ProjectConfig, 'audience'>): Client[] =>
  clients.filter((c) => isSharedApplication(c, config)).sort(bySurvivorOrder);

/**
 * The one SPA application of the organizations strategy: the same SPA settings as a tenant application, its
 * URLs from the config with `{tenant}` written as Auth0's `{organization_name}` placeholder (the organization's
 * name is the tenant id; Auth0 fills it in for a login through an organization), `organization_usage: require`
 * (every login goes through an organization) and the configured `organization_require_behavior`.
 */
export function desiredSharedApplication(config: ProjectConfig): Body {
  const app = desiredApplication(config, '{organization_name}');
  return {
    ...app,
    name: config.organizations.applicationName,
    client_metadata: sharedApplicationMarker(config),
    organization_usage: 'require',
    organization_require_behavior: config.organizations.requireBehavior,
    ...(config.organizations.loginUri ? { initiate_login_uri: config.organizations.loginUri } : {}),
  };
}
