import type { ManagementPort } from '../auth0/management-port.js';
import type { Client, ClientGrant, Organization, ResourceServer } from '../auth0/resources.js';
import { planSharedResources } from './ensure-shared-resources.js';
import { taggedTenants } from './find-tagged.js';
import type { ActionMode, MigrationPhase, MigrationState, MigrationTenant } from './plan-migration.js';
import type { ProjectConfig } from './project-config.js';
import { exportUsersByTenant, SEARCH_LIMIT, tenantUserQuery } from './tenant-users.js';
import { findUserGrant } from './user-grant.js';
import { organizationTenancy, ownedOrganizationTenant } from './organization-tenancy.js';
import type { TenancyState } from './tenancy.js';

export interface MigrationReadDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: (text: string) => void;
  /** The tenant.json on disk of a tenant (undefined: none or unreadable). */
  readSettings: (tenant: string) => unknown;
  /** Per-tenant reads in flight at most (the request pacer spaces them). */
  concurrency: number;
}

/** The deployed Action's code in each of our modes, to tell which one is live. */
export type ActionCodes = Record<'applications' | 'dual' | 'organizations', string>;

/** What Auth0 and the files say, besides the plan: what applying needs (the objects as read). */
export interface MigrationSnapshot {
  state: MigrationState;
  clients: Client[];
  grants: ClientGrant[];
  api: ResourceServer | undefined;
  organizations: Organization[];
  /** As the organizations strategy read it (its organizations updated as they are created), with the connections' ids. */
  tenancyState: TenancyState;
  connectionIds: string[];
  /** The users export, when a tenant has more than 1,000 users (read once for all of them). */
  usedExport: boolean;
}

const PER_PAGE = 100;

/**
 * Reads everything a migration run decides from, fresh every time (a run stopped anywhere leaves no checkpoint
 * to trust): applications, the API and its grants, organizations, the Action, and per tenant that still has its
 * application, its users by `app_metadata.tenant` (user search; a users export job past 1,000) and its
 * organization's members (checkpoint paging, no 1,000 cap).
 */
export async function readMigrationState(
  deps: MigrationReadDeps,
  config: ProjectConfig,
  codes: ActionCodes,
  options: { phase: MigrationPhase; readUsers: boolean; reuse?: MigrationSnapshot | undefined },
): Promise<MigrationSnapshot> {
  const { port } = deps;
  // The strategy's read (applications, the API and its grants, organizations, the connections every organization
  // enables: a configured connection that does not exist is refused here, before any write), and the Action.
  const [tenancyState, action] = await Promise.all([
    organizationTenancy.read(port, config, { optionalApi: true, forWrite: true }),
    port.findActionByName(config.actionName),
  ]);
  const { clients, api } = tenancyState;
  const grants = tenancyState.grants ?? [];
  const organizations = tenancyState.organizations ?? [];
  const legacy = taggedTenants(clients);
  const ourOrgs = new Map<string, Organization>();
  const foreignOrganizations: MigrationState['foreignOrganizations'] = [];
  for (const org of organizations) {
    const tenant = ownedOrganizationTenant(org);
    if (tenant && !ourOrgs.has(tenant)) ourOrgs.set(tenant, org);
    else if (!tenant && legacy.has(org.name)) foreignOrganizations.push({ tenant: org.name, id: org.id });
  }
  const names = [...new Set([...legacy.keys(), ...ourOrgs.keys()])].sort();

  const tenants: MigrationTenant[] = names.map((tenant) => {
    const org = ourOrgs.get(tenant);
    return {
      tenant,
      legacy: (legacy.get(tenant) ?? []).map((app) => ({
        clientId: app.client_id,
        grantIds: grants.filter((g) => g.client_id === app.client_id).map((g) => g.id),
      })),
      organization: org ? { id: org.id, name: org.name } : undefined,
      users: undefined,
      members: new Set<string>(),
      currentSettings: deps.readSettings(tenant),
    };
  });

  // Read again under the lease: the users and members read just before are reused (hundreds of requests for hundreds
  // of tenants), members only for the same organization. A member another run added meanwhile is added again, which
  // changes nothing; a user tagged meanwhile is found by the next run, and --finalize refuses until then.
  if (options.reuse) {
    const before = new Map(options.reuse.state.tenants.map((t) => [t.tenant, t]));
    for (const t of tenants) {
      const earlier = before.get(t.tenant);
      if (!earlier || t.legacy.length === 0) continue;
      t.users = earlier.users;
      if (t.organization && earlier.organization?.id === t.organization.id) t.members = new Set(earlier.members);
    }
  }
  // Users and members only matter while a tenant still has its application (its users not yet moved over).
  const pending = options.readUsers ? tenants.filter((t) => t.legacy.length > 0 && t.users === undefined) : [];
  const overflow: MigrationTenant[] = [];
  await forEachBounded(pending, deps.concurrency, async (t) => {
    const users = await searchTenantUsers(port, t.tenant);
    if (users === 'overflow') overflow.push(t);
    else t.users = users;
    if (t.organization) for (const m of await port.listOrganizationMembers(t.organization.id)) t.members.add(m.user_id);
  });
  if (overflow.length) {
    deps.progress(`${overflow.map((t) => t.tenant).join(', ')}: more than ${SEARCH_LIMIT} users, reading them through a users export job`);
    const exported = await exportUsersByTenant(deps);
    for (const t of overflow) t.users = exported.get(t.tenant) ?? [];
  }

  // The shared resources as `tenants init` plans them under the organizations strategy (the API, the Action in the
  // phase's mode, its binding, the shared application and its grant). A finalize already under way keeps the
  // Action in organizations mode, even when the dual phase is run again.
  const mode = actionMode(action?.deployed_version?.code, codes);
  const actionCode = options.phase === 'finalize' || mode === 'organizations' ? codes.organizations : codes.dual;
  const sharedPlan = await planSharedResources(port, { config: { ...config, strategy: 'organizations' }, actionCode });
  const shared = sharedPlan.found.sharedApp;
  return {
    clients,
    grants,
    api,
    organizations,
    tenancyState,
    connectionIds: tenancyState.connectionIds ?? [],
    usedExport: overflow.length > 0,
    state: {
      strategy: config.strategy === 'organizations' ? 'organizations' : 'applications',
      tenants,
      foreignOrganizations,
      shared: shared
        ? { clientId: shared.client_id, grantMissing: config.requireClientGrant && !findUserGrant(grants, shared.client_id, config.audience) }
        : undefined,
      sharedPlan,
      actionCode,
      action: { id: action?.id, mode },
    },
  };
}

function actionMode(code: string | undefined, codes: ActionCodes): ActionMode {
  if (code === undefined) return 'missing';
  for (const mode of ['applications', 'dual', 'organizations'] as const) if (codes[mode] === code) return mode;
  return 'other';
}

/** A tenant's users by user search (pages of 100), or 'overflow' past the 1,000 results search returns. */
async function searchTenantUsers(port: ManagementPort, tenant: string): Promise<string[] | 'overflow'> {
  const ids: string[] = [];
  for (let page = 0; ; page++) {
    const { users, total } = await port.searchUsers(tenantUserQuery(tenant), page, PER_PAGE);
    if (total > SEARCH_LIMIT) return 'overflow';
    ids.push(...users.filter((u) => u.app_metadata?.['tenant'] === tenant).map((u) => u.user_id));
    if (users.length < PER_PAGE || (page + 1) * PER_PAGE >= SEARCH_LIMIT) return ids;
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
