import type { Body, ManagementPort } from '../auth0/management-port.js';
import type { Client, ClientGrant, Organization, ResourceServer, User } from '../auth0/resources.js';
import type { ApplicationOverrides } from './desired-state.js';
import type { Finding } from './doctor.js';
import type { ProjectConfig } from './project-config.js';
import type { TenantSettings } from './tenant-files.js';

/** The isolation strategies; `strategy` in tenants.config.json picks one (default `applications`). */
export const TENANCY_STRATEGIES = ['applications', 'organizations'] as const;
export type TenancyStrategy = (typeof TENANCY_STRATEGIES)[number];

/** What a strategy reads from Auth0 (one read per command; the organizations strategy adds its collection). */
export interface TenancyState {
  clients: Client[];
  api: ResourceServer | undefined;
  /** undefined when it could not be read (doctor without read:client_grants). */
  grants: ClientGrant[] | undefined;
  /** Every organization (the organizations strategy reads them; undefined for the applications strategy). */
  organizations?: Organization[] | undefined;
  /** The ids of the connections a tenant's organization enables (organizations strategy: read once by `read`). */
  connectionIds?: string[] | undefined;
}

/** The Auth0 object that *is* a tenant under a strategy (an application, an organization), by id and name. */
export interface TenantResource {
  id: string;
  name?: string | undefined;
  /** The object as Auth0 returned it: what drift is computed against. */
  current: Record<string, unknown>;
}

/** A user as membership commands see it. */
export interface Member {
  user_id: string;
  email?: string | null | undefined;
}

/** What removing a tenant's members did (detached or deleted), and how it was confirmed. */
export interface ReleaseOutcome {
  /** Users detached (or deleted) by this run. */
  released: number;
  /** Reads made to confirm that no member is left. */
  confirmations: number;
  usedExport: boolean;
}

export interface ReleaseDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: (text: string) => void;
}

/** What `users invite` did for one person (the link is an invitation or a password-change ticket, by strategy). */
export interface InviteResult {
  email: string;
  userId?: string | undefined;
  created: boolean;
  action: 'add' | 'move' | 'unchanged' | 'invited';
  from: string | null;
  /** Where the person goes next: the organization invitation URL, or the password-change ticket. */
  url: string;
  /** Kept for the applications strategy's output (the same as `url`). */
  ticketUrl?: string | undefined;
  invitationId?: string | undefined;
}

/** How users belong to a tenant under a strategy, and every membership write. */
export interface TenantMembers {
  /** Auth0's user-search query for the tenant's members (applications strategy; organizations: members API). */
  query(tenant: string): string;
  /** The user's tenant as stored on the user (applications: app_metadata.tenant; organizations: never on the user). */
  tenantOf(user: { app_metadata?: Record<string, unknown> | undefined }): string | undefined;
  /**
   * Users by the tenant stored on them (applications: a search for app_metadata.tenant, at most 1,000), for doctor's
   * `users_orphaned`; absent when a strategy stores no tenant on users (organizations).
   */
  countByTenant?: ((port: ManagementPort) => Promise<Map<string, number>>) | undefined;
  /** How many members the tenant has, for a plan (applications: the user search's total; organizations: the member list). */
  count(port: ManagementPort, tenant: string, resource: TenantResource): Promise<number>;
  /** Every member (organizations: checkpoint paging, no 1,000 cap; applications: user search, up to 1,000). */
  list(port: ManagementPort, tenant: string, resource: TenantResource): Promise<Member[]>;
  /** For each user, the tenants of ours it belongs to now (read before any write). */
  tenantsOf(port: ManagementPort, users: User[], state: TenancyState): Promise<Map<string, string[]>>;
  /** Puts users into the tenant; `from` (the other tenants of ours they leave: --move) is taken from them. */
  add(port: ManagementPort, tenant: string, resource: TenantResource, users: { userId: string; from: string[] }[], state: TenancyState): Promise<void>;
  /** Takes users out of the tenant. */
  remove(port: ManagementPort, tenant: string, resource: TenantResource, userIds: string[]): Promise<void>;
  /**
   * Detaches (or deletes) every member, confirmed by a read that shows none, before the tenant's resource goes.
   * Resumable: a run stopped anywhere is finished by the next.
   */
  release(deps: ReleaseDeps, tenant: string, resource: TenantResource | undefined, options: { deleteUsers: boolean }): Promise<ReleaseOutcome>;
}

/** The inputs of `users invite`. */
export interface InviteOptions {
  move: boolean;
  /** Invitation lifetime (organizations), seconds; 0 = Auth0's default (7 days). */
  ttlSec?: number | undefined;
  /** Who invites (organizations: shown in Auth0's email). */
  inviter?: string | undefined;
  /** Let Auth0 email the invitation (organizations). */
  sendEmail?: boolean | undefined;
}

/**
 * The seam between "what a tenant is in Auth0" and everything else. Commands and the engine ask the strategy;
 * only a strategy module knows whether a tenant is an application, an organization or something else.
 * Adding a strategy = one module implementing this + its emulator endpoints + one line in `tenancyFor`.
 */
export interface Tenancy {
  readonly strategy: TenancyStrategy;
  /** What a tenant is called in messages ("application", "organization"). */
  readonly resourceKind: string;
  /** Refuses tenant ids this strategy cannot represent (exit 2, named, before anything is read or sent). */
  checkIds(tenants: string[]): void;
  /**
   * Reads what the strategy needs, once: the API (required unless `optionalApi`), applications, grants and its own
   * collection; `forWrite` also what creating needs (organizations: the connection ids, a missing one refused).
   */
  read(port: ManagementPort, config: ProjectConfig, options?: { optionalApi?: boolean; forWrite?: boolean }): Promise<TenancyState>;
  /** How a tenant is found: every tenant we own, by id, its resources oldest first (more than one is a duplicate). */
  owned(state: TenancyState): Map<string, TenantResource[]>;
  /** Resources that claim a tenant id without our ownership marker: another team's, refused unless adopted. */
  foreign(state: TenancyState, tenant?: string): TenantResource[];
  /** The error naming another team's resources that claim a tenant id (exit 2). */
  notOurs(tenant: string, resources: TenantResource[]): Error;
  /** The ownership marker (and tenant tag) every resource we create or adopt carries. */
  marker(tenant: string): Record<string, string>;
  /** The desired state of a tenant's resource: the config's defaults with the tenant's recorded overrides. */
  desired(config: ProjectConfig, tenant: string, overrides?: ApplicationOverrides, state?: TenancyState): Body;
  /** The fields of a resource that drift is computed on (a subset of `desired`). */
  driftOf(desired: Body): Body;
  /** Whether the tenant's resource lacks the user grant it needs (organizations: the shared application's, made by init). */
  grantMissing(config: ProjectConfig, state: TenancyState, resource: TenantResource | undefined): boolean;
  /** Creates a tenant's resource: one attempt (a lost answer is settled by `recover`, never retried blindly). */
  create(port: ManagementPort, config: ProjectConfig, tenant: string, desired: Body, now: number): Promise<TenantResource>;
  /** Repairs the drifted fields of a tenant's resource (adopting adds our marker). */
  update(port: ManagementPort, resource: TenantResource, desired: Body, changes: string[], tenant: string): Promise<void>;
  /** Deletes a tenant's resources (with what hangs on them: an application's grants). Deleting what is gone succeeds. */
  remove(port: ManagementPort, resourceIds: readonly string[]): Promise<number>;
  /**
   * After creates whose answers were lost: reads Auth0 again (applications: one listing; organizations: each by
   * name) and returns the resources that exist, by tenant, updating `state`.
   */
  recover(port: ManagementPort, state: TenancyState, tenants: string[]): Promise<Map<string, TenantResource>>;
  /** Gives the tenant's resource its user grant for the API (applications; a no-op for organizations). */
  ensureGrant(deps: { port: ManagementPort; sleep: (ms: number) => Promise<void> }, config: ProjectConfig, resource: TenantResource): Promise<void>;
  /** How users belong to a tenant. */
  members: TenantMembers;
  /** Invites people into a tenant (organizations: Auth0 invitations; applications: database users + password tickets). */
  invite(
    port: ManagementPort,
    config: ProjectConfig,
    tenant: string,
    resource: TenantResource,
    emails: string[],
    options: InviteOptions,
    state: TenancyState,
  ): Promise<InviteResult[]>;
  /** What the post-login Action reads to decide the tenant claim (documentation for README and doctor). */
  readonly actionReads: string;
  /** The post-login Action's template mode (src/core/action-code.ts). */
  readonly actionMode: 'applications' | 'organizations';
  /** What goes into tenant.json for a tenant whose resource this is. */
  settings(config: ProjectConfig, tenant: string, resource: TenantResource, state: TenancyState): TenantSettings;
  /** What `show` prints about a tenant's resource beside its settings. */
  describe(config: ProjectConfig, tenant: string, resources: TenantResource[], state: TenancyState): Record<string, unknown>;
  /** Doctor's checks of one owned tenant (the shared API and Action are checked by doctor itself). */
  diagnose(config: ProjectConfig, tenant: string, resources: TenantResource[], state: TenancyState, overrides: ApplicationOverrides): Finding[];
  /** Doctor's checks of the strategy's shared resources (organizations: the shared application and its grant). */
  diagnoseShared(config: ProjectConfig, state: TenancyState): Finding[];
}
