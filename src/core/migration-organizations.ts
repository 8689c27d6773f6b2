import type { ManagementPort } from '../auth0/management-port.js';
import type { Organization, ResourceServer } from '../auth0/resources.js';
import { actionCodeForMode } from './action-code.js';
import { desiredOrganization } from './desired-organization.js';
import { organizationTenancy } from './organization-tenancy.js';
import type { MigrationPhase, MigrationTenant } from './plan-migration.js';
import type { ProjectConfig } from './project-config.js';
import type { ActionCodes } from './read-migration-state.js';
import type { TenancyState } from './tenancy.js';
import { organizationTenantSettings, type TenantSettings } from './tenant-files.js';
import { TenantsError } from './tenants-error.js';

/** The Action's code in each of its modes (rendered from templates/ by the strategy module's actionCodeForMode). */
export const migrationActionCodes = (config: ProjectConfig, readTemplate: (name: string) => string): ActionCodes => ({
  applications: actionCodeForMode(readTemplate, config, 'applications'),
  dual: actionCodeForMode(readTemplate, config, 'dual'),
  organizations: actionCodeForMode(readTemplate, config, 'organizations'),
});

/**
 * A tenant's tenant.json during the migration (the strategy's organization settings): in the dual phase it accepts
 * the tenant's own application (tokens without `org_id`) and the shared one with its organization
 * (`required: false`); finalized, the shared application and the organization only.
 */
export function migrationSettings(
  config: ProjectConfig,
  api: Pick<ResourceServer, 'token_dialect'> | undefined,
  t: MigrationTenant,
  phase: MigrationPhase,
  organizationId: string,
  sharedClientId: string,
): TenantSettings {
  const legacy = phase === 'dual' ? t.legacy.slice(0, 1).map((a) => a.clientId) : [];
  return organizationTenantSettings(
    config,
    t.tenant,
    { organizationId, organizationName: t.tenant, clientIds: [...legacy, sharedClientId], required: phase !== 'dual' },
    api,
  );
}

interface Deps {
  port: ManagementPort;
  now: () => number;
}

/**
 * Creates a tenant's organization through the strategy (`organizationTenancy.create`: a 409 is settled by reading
 * the organization by name, ours converged on, someone else's refused); a lost answer (5xx, dropped connection)
 * is settled by `recover` (by name, ours only), never by a blind retry.
 */
export async function ensureOrganization(
  deps: Deps,
  config: ProjectConfig,
  tenant: string,
  connectionIds: string[],
  state: TenancyState,
): Promise<Organization> {
  // Without its connections nobody could log in through the organization: never create one without them.
  if (connectionIds.length === 0) throw new Error(`No connection to enable in ${tenant}'s organization (the strategy's read was not made for writing).`);
  try {
    const created = await organizationTenancy.create(deps.port, config, tenant, desiredOrganization(config, tenant, connectionIds), deps.now());
    return created.current as unknown as Organization;
  } catch (error) {
    const status = error instanceof TenantsError ? (error.details?.['statusCode'] as number | undefined) : undefined;
    if (status !== undefined && status < 500 && status !== 429) throw error;
    const found = (await organizationTenancy.recover(deps.port, state, [tenant])).get(tenant);
    if (!found) throw error;
    return found.current as unknown as Organization;
  }
}
