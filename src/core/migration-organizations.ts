import type { ManagementPort } from '../auth0/management-port.js';
import type { Organization, ResourceServer } from '../auth0/resources.js';
import { actionCodeForMode } from './action-code.js';
import { OWNER_KEY, OWNER_VALUE, TENANT_TAG } from './desired-state.js';
import { desiredOrganization } from './desired-organization.js';
import { driftedFields } from './drift.js';
import type { MigrationPhase, MigrationTenant } from './plan-migration.js';
import type { ProjectConfig } from './project-config.js';
import type { ActionCodes, MigrationSnapshot } from './read-migration-state.js';
import { desiredSharedApplication, findSharedApplications } from './shared-application.js';
import { withCreationStamp } from './survivor-order.js';
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

/** The tenant an organization is ours for (our marker and the tenant id in its metadata, matching its name). */
export function ownedOrganizationTenant(org: Organization): string | undefined {
  const meta = org.metadata ?? {};
  return meta[OWNER_KEY] === OWNER_VALUE && meta[TENANT_TAG] === org.name ? org.name : undefined;
}

interface Deps {
  port: ManagementPort;
  now: () => number;
}

const connectionCache = new WeakMap<ManagementPort, Promise<string[]>>();

/** The ids of the connections every organization enables (the database connection and the configured ones). */
function connectionIds(port: ManagementPort, config: ProjectConfig): Promise<string[]> {
  let ids = connectionCache.get(port);
  if (!ids) {
    ids = (async () => {
      const names = [config.organizations.databaseConnection, ...config.organizations.connections];
      const found = await Promise.all(names.map(async (name) => [name, await port.findConnection(name)] as const));
      const missing = found.filter(([, c]) => !c).map(([n]) => n);
      if (missing.length) {
        throw new TenantsError('usage', 'connection_missing', `No connection named ${missing.join(', ')} in this Auth0 tenant; nothing more was changed.`, {
          hint: 'Fix organizations.databaseConnection / organizations.connections in tenants.config.json.',
        });
      }
      return found.map(([, c]) => c!.id);
    })();
    connectionCache.set(port, ids);
  }
  return ids;
}

const statusOf = (error: unknown): number | undefined => (error instanceof TenantsError ? (error.details?.['statusCode'] as number | undefined) : undefined);

/**
 * Creates a tenant's organization; a 409 (the name is taken: an earlier run's create whose answer was lost, or
 * another run) is settled by reading the organization by name: ours is used, someone else's is refused.
 */
export async function ensureOrganization(deps: Deps, config: ProjectConfig, tenant: string): Promise<Organization> {
  const body = desiredOrganization(config, tenant, await connectionIds(deps.port, config));
  try {
    return await deps.port.createOrganization(body);
  } catch (error) {
    const existing =
      statusOf(error) === 409 || statusOf(error) === undefined || (statusOf(error) ?? 0) >= 500 ? await deps.port.getOrganizationByName(tenant) : undefined;
    if (!existing) throw error;
    if (ownedOrganizationTenant(existing) !== tenant) {
      throw new TenantsError(
        'usage',
        'organization_not_ours',
        `An organization named ${tenant} (${existing.id}) exists without our marker; it was not changed.`,
        {
          hint: 'Rename that organization in the Auth0 dashboard if it is a leftover, or keep that tenant out of the project.',
        },
      );
    }
    return existing;
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
