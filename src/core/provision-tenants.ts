import type { ManagementPort } from '../auth0/management-port.js';
import type { Client, ClientGrant, ResourceServer } from '../auth0/resources.js';
import { isRetryable } from '../auth0/to-tenants-error.js';
import { desiredApplication, repairPatch } from './desired-state.js';
import { driftedFields } from './drift.js';
import { findTagged, foreignClaims, notOurs } from './find-tagged.js';
import { removeDuplicates } from './remove-duplicates.js';
import { withCreationStamp } from './survivor-order.js';
import type { Step } from './plan.js';
import type { ProjectConfig } from './project-config.js';
import { TenantsError } from './tenants-error.js';
import { createUserGrant, findUserGrant } from './user-grant.js';

export interface ProvisionDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  progress: (text: string) => void;
}

export interface CurrentState { clients: Client[]; api: ResourceServer; grants: ClientGrant[] }

export interface TenantOutcome { tenant: string; clientId: string | undefined; steps: Step[]; warnings: string[] }

/** Reads what exists once: every application (paged), the shared API, and the API's client grants. */
export async function readCurrentState(port: ManagementPort, config: ProjectConfig): Promise<CurrentState> {
  const api = await port.findResourceServer(config.audience);
  if (!api) {
    throw new TenantsError('auth0', 'api_missing', `The shared API ${config.audience} does not exist in Auth0.`, {
      hint: 'Run `tenants init` first.',
    });
  }
  const [clients, grants] = await Promise.all([port.listClients(), port.listClientGrants({ audience: config.audience })]);
  return { clients, api, grants };
}

export const requiresClientGrant = (api: ResourceServer): boolean => api.subject_type_authorization?.user?.policy === 'require_client_grant';

/**
 * Makes each tenant's application and client grant match the config: creates what is missing,
 * repairs what drifted (only the drifted fields are sent), leaves the rest alone. With dryRun it only
 * reports the plan. Creates are idempotent: after a failure that may have happened server-side, the
 * tag is looked up before trying again, so a lost answer never becomes a duplicate application.
 */
export async function provisionTenant(deps: ProvisionDeps, config: ProjectConfig, state: CurrentState, tenant: string, dryRun: boolean, adopt = false): Promise<TenantOutcome> {
  const desired = desiredApplication(config, tenant);
  const tagged = findTagged(state.clients, tenant);
  const warnings: string[] = [];
  const foreign = tagged.length === 0 ? foreignClaims(state.clients, tenant) : [];
  if (foreign.length > 0 && !adopt) throw notOurs(tenant, foreign);
  if (foreign.length > 0) warnings.push(`Adopting application ${foreign[0]!.client_id} ("${foreign[0]!.name ?? ''}"): it gets our ownership marker and the tenant settings.`);
  let app = tagged[0] ?? foreign[0];
  const steps: Step[] = [];
  if (!app) {
    steps.push({ resource: 'application', action: 'create', tenant });
    if (!dryRun) {
      app = await createIdempotently(deps, desired, tenant);
      state.clients.push(app);
      steps[0]!.id = app.client_id;
    }
  } else {
    const changes = driftedFields(desired, app);
    steps.push({ resource: 'application', action: changes.length ? 'update' : 'unchanged', tenant, id: app.client_id, ...(changes.length ? { changes } : {}) });
    if (changes.length && !dryRun) {
      deps.progress(`Repairing ${tenant}'s application (${changes.join(', ')})`);
      const updated = await deps.port.updateClient(app.client_id, repairPatch(desired, changes, tenant));
      Object.assign(app, updated);
    }
  }
  const duplicates = tagged.slice(1).map((c) => c.client_id);
  for (const id of duplicates) steps.push({ resource: 'application', action: 'delete', tenant, id, detail: `duplicate of ${app!.client_id}` });
  if (duplicates.length && !dryRun) {
    deps.progress(`Removing ${tenant}'s ${duplicates.length} duplicate application(s), keeping ${app!.client_id}`);
    await removeDuplicates(deps.port, duplicates);
    state.clients.splice(0, state.clients.length, ...state.clients.filter((c) => !duplicates.includes(c.client_id)));
  }
  if (requiresClientGrant(state.api)) steps.push(await ensureGrant(deps, config, state, tenant, app?.client_id, dryRun));
  return { tenant, clientId: app?.client_id, steps, warnings };
}

async function ensureGrant(deps: ProvisionDeps, config: ProjectConfig, state: CurrentState, tenant: string, clientId: string | undefined, dryRun: boolean): Promise<Step> {
  const existing = clientId ? findUserGrant(state.grants, clientId) : undefined;
  if (existing) return { resource: 'client-grant', action: 'unchanged', tenant, id: existing.id };
  if (dryRun || !clientId) return { resource: 'client-grant', action: 'create', tenant };
  const grant = await createUserGrant(deps, config, clientId);
  if (grant === 'exists') return { resource: 'client-grant', action: 'unchanged', tenant };
  state.grants.push(grant);
  return { resource: 'client-grant', action: 'create', tenant, id: grant.id };
}

const ATTEMPTS = 4;

async function createIdempotently(deps: ProvisionDeps, desired: Record<string, unknown>, tenant: string): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    try {
      deps.progress(`Creating ${tenant}'s application`);
      return await deps.port.createClient(withCreationStamp(desired, Date.now()));
    } catch (error) {
      if (!isRetryable(error) || attempt >= ATTEMPTS) throw error;
      await deps.sleep(250 * 2 ** attempt);
      const created = findTagged(await deps.port.listClients(), tenant)[0];
      if (created) return created;
    }
  }
}
