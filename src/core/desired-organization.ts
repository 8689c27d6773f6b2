import type { Body } from '../auth0/management-port.js';
import { ownedMetadata, type ApplicationOverrides } from './desired-state.js';
import { fillTenant, type ProjectConfig } from './project-config.js';

/**
 * A tenant's organization: `name` = the tenant id (Auth0's unique key, what `GET /organizations/name/{name}`
 * finds), `display_name` from the manifest's `name` (else the config's application name), and our ownership marker
 * with the tenant id in `metadata` (`{tenant, tenants_managed_by: "auth0-tenants"}`: string values, 2 of Auth0's
 * 25 keys). `enabled_connections` (the database connection and the configured ones, by id) go in the create call.
 */
export function desiredOrganization(config: ProjectConfig, tenant: string, connectionIds: string[], overrides: ApplicationOverrides = {}): Body {
  return {
    name: tenant,
    display_name: fillTenant(overrides.name ?? config.application.name, tenant),
    metadata: ownedMetadata(tenant),
    enabled_connections: connectionIds.map((id) => ({ connection_id: id, assign_membership_on_login: false })),
  };
}

/** The fields drift is computed on (Auth0 answers an organization without its enabled connections). */
export const organizationDriftFields = (desired: Body): Body => ({
  name: desired['name'],
  display_name: desired['display_name'],
  metadata: desired['metadata'],
});
