import type { Tenant } from '../management/handler.js';
import { findOrganization, isMember, organizationByName, orgState } from '../management/organizations.js';
import { organizationNamesAllowed } from '../management/tenant-settings.js';
import { OAuthError } from '../oauth.js';
import type { Entity } from '../state.js';

export type OrganizationUsage = 'deny' | 'allow' | 'require';
export const usageOf = (client: Entity): OrganizationUsage => (client['organization_usage'] as OrganizationUsage | undefined) ?? 'deny';
export const requireBehaviorOf = (client: Entity): string => String(client['organization_require_behavior'] ?? 'no_prompt');

/**
 * The organization a login asks for (`organization=`: an id, or a name when the tenant allows names), checked
 * against the application's `organization_usage`: `deny` refuses the parameter, `require` needs one.
 * Returns undefined for a login without an organization (only when the application allows that).
 */
export function organizationForLogin(tenant: Tenant, client: Entity, param: string | undefined): Entity | undefined {
  const usage = usageOf(client);
  if (param === undefined || param === '') {
    if (usage === 'require') throw new OAuthError(400, 'invalid_request', 'parameter organization is required for this client');
    return undefined;
  }
  if (usage === 'deny') throw new OAuthError(400, 'invalid_request', 'parameter organization is not allowed for this client');
  const byId = orgState(tenant).organizations[param];
  if (byId) return byId;
  if (organizationNamesAllowed(tenant)) {
    const byName = organizationByName(tenant, param.toLowerCase());
    if (byName) return byName;
  }
  throw new OAuthError(
    400,
    'invalid_request',
    param.startsWith('org_') || organizationNamesAllowed(tenant)
      ? `no organization found by that id or name: ${param}`
      : `the organization parameter must be an organization id (org_...): organization names need the tenant setting allow_organization_name_in_authentication_api`,
  );
}

/** Auth0 refuses a login through an organization the user is not a member of, and through a connection the organization has not enabled. */
export function checkOrganizationLogin(tenant: Tenant, orgId: string, user: Entity): Entity {
  let org: Entity;
  try {
    org = findOrganization(tenant, orgId);
  } catch {
    throw new OAuthError(400, 'invalid_request', `no organization found by that id or name: ${orgId}`);
  }
  const userId = String(user['user_id']);
  if (!isMember(tenant, orgId, userId)) throw new OAuthError(403, 'access_denied', `user ${userId} is not part of the ${orgId} organization`);
  const connections = ((org['__connections'] as { connection_id: string }[] | undefined) ?? []).map((c) => c.connection_id);
  const userConnection = ((user['identities'] as Entity[] | undefined) ?? [])[0]?.['connection'];
  if (connections.length === 0 || userConnection === undefined) {
    throw new OAuthError(403, 'access_denied', `the connection ${String(userConnection ?? '')} is not enabled for the ${orgId} organization`);
  }
  return org;
}

/** What Actions read as `event.organization`. */
export const organizationEvent = (org: Entity): Entity => ({
  id: org['id'],
  name: org['name'],
  display_name: org['display_name'] ?? org['name'],
  metadata: org['metadata'] ?? {},
});
