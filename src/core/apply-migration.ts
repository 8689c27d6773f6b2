import type { ManagementPort } from '../auth0/management-port.js';
import { applySharedPlan } from './ensure-shared-resources.js';
import { isWrite, type Step } from './plan.js';
import { missingMembers, type MigrationPlan, type MigrationTenant, type SettingsFor } from './plan-migration.js';
import type { ProjectConfig } from './project-config.js';
import { forEachBounded, type MigrationSnapshot } from './read-migration-state.js';
import type { TenantSettings } from './tenant-files.js';
import { ensureOrganization } from './migration-organizations.js';
import { inBatches } from './organization-tenancy.js';

export interface MigrationApplyDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: (text: string) => void;
  concurrency: number;
  /** Writes a tenant's files from its settings (the caller checked for hand edits first); true when a file changed. */
  writeFiles: (settings: TenantSettings) => boolean;
  /** Sets `strategy: "organizations"` in tenants.config.json (the last write of the migration). */
  writeStrategy: () => void;
  /** Stops between steps (Ctrl-C): requests in flight finish, nothing new starts. */
  stopped: () => boolean;
}

/**
 * Applies a plan, in the plan's order. Every step is idempotent and decided again from Auth0 by the next run,
 * so a run stopped anywhere (killed, Ctrl-C, Auth0 unreachable) is finished by running the same command again:
 * an organization is found by its name before it is created again, members are added only if missing, the
 * Action is compared with the code it should run, files are rewritten only when their bytes differ.
 * Returns the steps as done (ids of what was created filled in).
 */
export async function applyMigration(
  deps: MigrationApplyDeps,
  config: ProjectConfig,
  snapshot: MigrationSnapshot,
  plan: MigrationPlan,
  settingsFor: SettingsFor,
): Promise<Step[]> {
  const { port } = deps;
  const state = snapshot.state;
  const done: Step[] = [];
  const check = () => {
    if (deps.stopped()) throw new StoppedError();
  };

  if (plan.phase === 'dual') {
    // 1. The shared resources as `tenants init` makes them for organizations: the shared application (a lost
    // create settled by listing), its user grant, and the Action in dual mode (built, deployed, bound).
    done.push(...(await applyShared(deps, config, state)));
    check();

    // 2. Per tenant, its organization (found by name if a create's answer was lost), then its members, at most 10
    // per request. Tenants run side by side: Auth0 paces organization writes in their own bucket, so one
    // tenant's members are added while the next tenant's organization waits for that bucket.
    let created = 0;
    let added = 0;
    await forEachBounded(
      state.tenants.filter((t) => !t.organization || missingMembers(t).length > 0),
      deps.concurrency,
      async (t) => {
        check();
        if (!t.organization) {
          const org = await ensureOrganization(deps, config, t.tenant, snapshot.connectionIds, snapshot.tenancyState);
          t.organization = { id: org.id, name: org.name };
          done.push({ resource: 'organization', action: 'create', tenant: t.tenant, id: org.id });
          if (++created % 50 === 0) deps.progress(`${created} organization(s) created`);
        }
        const missing = missingMembers(t);
        for (const ids of inBatches(missing)) {
          check();
          await port.addOrganizationMembers(t.organization.id, ids);
          ids.forEach((id) => t.members.add(id));
          added += ids.length;
        }
        if (missing.length) done.push({ resource: 'members', action: 'create', tenant: t.tenant, detail: `${t.users?.length ?? 0} user(s), all members` });
      },
    );
    deps.progress(`${created} organization(s) created, ${added} member(s) added`);
    check();

    // 3. tenant.json accepts both kinds of tokens.
    writeAllFiles(deps, state.tenants, 'dual', settingsFor, state.shared!.clientId, done, plan);
    return done;
  }

  // --finalize: the files first (the SPA moves to the shared application, backends require the organization)...
  writeAllFiles(deps, state.tenants, 'finalize', settingsFor, state.shared!.clientId, done, plan);
  check();
  // ...then the Action refuses logins without an organization of ours...
  done.push(...(await applyShared(deps, config, state)));
  check();
  // ...then the per-tenant applications go, their grants first (only ours: both were found by our marker)...
  const deletions = plan.steps.filter((s) => s.action === 'delete' && s.tenant !== undefined);
  await forEachBounded(
    state.tenants.filter((t) => t.legacy.length > 0),
    deps.concurrency,
    async (t) => {
      for (const app of t.legacy) {
        check();
        for (const grant of app.grantIds) await port.deleteClientGrant(grant);
        await port.deleteClient(app.clientId);
      }
    },
  );
  done.push(...deletions);
  check();
  // ...and last the config, which says the migration is over.
  if (state.strategy !== 'organizations') {
    deps.writeStrategy();
    done.push({ resource: 'config', action: 'update', detail: 'strategy: "organizations"', changes: ['strategy'] });
  }
  return done;
}

/**
 * Applies the shared plan (`applySharedPlan`, as `tenants init` does under the organizations strategy) and records
 * the shared application it ended with. Returns the steps that wrote something.
 */
async function applyShared(deps: MigrationApplyDeps, config: ProjectConfig, state: MigrationSnapshot['state']): Promise<Step[]> {
  if (!state.sharedPlan.steps.some(isWrite)) return [];
  deps.progress('Shared resources: the shared application, its grant and the Action');
  const steps = await applySharedPlan(deps, { config: { ...config, strategy: 'organizations' }, actionCode: state.actionCode }, state.sharedPlan);
  const app = steps.find((s) => s.resource === 'application' && s.action !== 'delete');
  if (app?.id) state.shared = { clientId: app.id, grantMissing: false };
  return steps.filter(isWrite);
}

function writeAllFiles(
  deps: MigrationApplyDeps,
  tenants: MigrationTenant[],
  phase: 'dual' | 'finalize',
  settingsFor: SettingsFor,
  sharedClientId: string,
  done: Step[],
  plan: MigrationPlan,
): void {
  for (const t of tenants) {
    const step = plan.steps.find((s) => s.resource === 'files' && s.tenant === t.tenant);
    if (step?.action !== 'update') continue;
    if (deps.writeFiles(settingsFor(t, phase, t.organization!.id, sharedClientId))) done.push(step);
  }
}

/** Ctrl-C between steps: the caller reports what was done and asks for a re-run. */
export class StoppedError extends Error {
  constructor() {
    super('stopped');
  }
}
