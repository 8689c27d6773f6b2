import type { ManagementPort } from '../auth0/management-port.js';
import type { Organization, ResourceServer } from '../auth0/resources.js';
import { actionCodeForMode } from './action-code.js';
import { desiredOrganization } from './desired-organization.js';
import { organizationTenancy } from './organization-tenancy.js';
import { driftedFields } from './drift.js';
import type { MigrationPhase, MigrationTenant } from './plan-migration.js';
import type { ProjectConfig } from './project-config.js';
import type { ActionCodes, MigrationSnapshot } from './read-migration-state.js';
import { desiredSharedApplication, findSharedApplications } from './shared-application.js';
import { withCreationStamp } from './survivor-order.js';
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
  try {
    const created = await organizationTenancy.create(deps.port, config, tenant, desiredOrganization(config, tenant, connectionIds), deps.now());
    return created.current as unknown as Organization;
  } catch (error) {
    const status = error instanceof TenantsError ? (error.details?.['statusCode'] as number | undefined) : undefined;
    if (status !== undefined && status < 500 && status !== 429) throw error;
    const found = await organizationTenancy.recover(deps.port, state, tenant);
    if (!found) throw error;
    return found.current as unknown as Organization;
  }
}

/**
 * The project's shared application: created when missing (a create whose answer was lost is settled by listing
 * the applications again, never by a blind retry), repaired when it drifted.
 */
export async function ensureSharedApplication(
  deps: Deps,
  config: ProjectConfig,
  snapshot: MigrationSnapshot,
): Promise<{ clientId: string; action: 'create' | 'update' | 'unchanged' }> {
  const desired = desiredSharedApplication(config);
  const existing = findSharedApplications(snapshot.clients, config)[0];
  if (existing) {
    const changes = driftedFields(desired, existing);
    if (changes.length === 0) return { clientId: existing.client_id, action: 'unchanged' };
    await deps.port.updateClient(existing.client_id, Object.fromEntries(changes.map((k) => [k, desired[k]])));
    return { clientId: existing.client_id, action: 'update' };
  }
  try {
    const created = await deps.port.createClient(withCreationStamp(desired, deps.now()));
    return { clientId: created.client_id, action: 'create' };
  } catch (error) {
    const found = findSharedApplications(await deps.port.listClients(), config)[0];
    if (!found) throw error;
    return { clientId: found.client_id, action: 'create' };
  }
}
