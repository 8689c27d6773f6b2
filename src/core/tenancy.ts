import type { Body } from '../auth0/management-port.js';
import type { Client, ClientGrant, ResourceServer } from '../auth0/resources.js';
import type { ApplicationOverrides } from './desired-state.js';
import type { Finding } from './doctor.js';
import type { ProjectConfig } from './project-config.js';
import type { TenantSettings } from './tenant-files.js';

/** The isolation strategies; `strategy` in tenants.config.json picks one (default `applications`). */
export const TENANCY_STRATEGIES = ['applications'] as const;
export type TenancyStrategy = (typeof TENANCY_STRATEGIES)[number];

/** What a strategy reads from Auth0 (one read per command; an organizations strategy adds its collection). */
export interface TenancyState {
  clients: Client[];
  api: ResourceServer | undefined;
  /** undefined when it could not be read (doctor without read:client_grants). */
  grants: ClientGrant[] | undefined;
}

/** The Auth0 object that *is* a tenant under a strategy (an application, an organization), by id and name. */
export interface TenantResource {
  id: string;
  name?: string | undefined;
  /** The object as Auth0 returned it: what drift is computed against. */
  current: Record<string, unknown>;
}

/**
 * The seam between "what a tenant is in Auth0" and everything else. Commands and the engine ask the strategy;
 * only a strategy module knows whether a tenant is an application, an organization or something else.
 * Adding a strategy = one module implementing this + its emulator endpoints + one line in `tenancyFor`.
 */
export interface Tenancy {
  readonly strategy: TenancyStrategy;
  /** How a tenant is found: every tenant we own, by id, its resources oldest first (more than one is a duplicate). */
  owned(state: TenancyState): Map<string, TenantResource[]>;
  /** Resources that claim a tenant id without our ownership marker: another team's, refused unless adopted. */
  foreign(state: TenancyState, tenant?: string): TenantResource[];
  /** The ownership marker (and tenant tag) every resource we create or adopt carries. */
  marker(tenant: string): Record<string, string>;
  /** The desired state of a tenant's resource: the config's defaults with the tenant's recorded overrides. */
  desired(config: ProjectConfig, tenant: string, overrides?: ApplicationOverrides): Body;
  /** How users belong to a tenant: Auth0's user-search query for its members, and the user's tenant as stored. */
  members: { query(tenant: string): string; tenantOf(user: { app_metadata?: Record<string, unknown> | undefined }): string | undefined };
  /** What the post-login Action reads to decide the tenant claim (documentation for README and doctor). */
  readonly actionReads: string;
  /** What goes into tenant.json for a tenant whose resource has this id. */
  settings(config: ProjectConfig, tenant: string, resource: TenantResource, api: Pick<ResourceServer, 'token_dialect'> | undefined): TenantSettings;
  /** Doctor's checks of one owned tenant (the shared API and Action are checked by doctor itself). */
  diagnose(config: ProjectConfig, tenant: string, resources: TenantResource[], state: TenancyState, overrides: ApplicationOverrides): Finding[];
}
