import type { ManagementPort } from '../auth0/management-port.js';
import { isRetryable } from '../auth0/to-tenants-error.js';
import type { ProjectConfig } from './project-config.js';
import type { SyncAction, SyncItem } from './sync-plan.js';
import type { TenancyState, TenantResource } from './tenancy.js';
import { tenancyFor } from './tenancy-for.js';
import { TenantsError } from './tenants-error.js';

export interface SyncDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  stopSignal: AbortSignal;
  onProgress: (done: number, total: number, failed: number) => void;
  /** Detaches (or deletes) a pruned tenant's users and confirms none is left, before its resource goes. */
  releaseUsers: (tenant: string, resource: TenantResource) => Promise<unknown>;
  /** Called as each tenant settles, so its files are written while other requests are in flight. */
  onSettled?: (outcome: SyncOutcome) => void;
}

export interface SyncOutcome {
  tenant: string;
  action: SyncAction | 'delete';
  status: 'done' | 'failed' | 'skipped';
  /** The id of the tenant's resource (an application's client_id; under organizations, reported as organizationId). */
  clientId?: string;
  organizationId?: string;
  /** The fields repaired, for updates. */
  changes?: string[];
  /** The tenant's emitted files (name -> created, updated or unchanged), once written. */
  files?: Record<string, string>;
  error?: { code: string; message: string };
}

const ROUNDS = 5;

/**
 * Applies a sync plan with bounded concurrency (the pacer behind the port keeps the rate). Creates are
 * never retried blindly: one whose answer was lost (5xx, dropped connection) is settled by a single
 * re-listing of the applications after the round, then created again only if its tag is not there.
 * On stop, requests in flight finish and the rest is reported as skipped.
 */
export async function applySync(
  deps: SyncDeps,
  config: ProjectConfig,
  items: SyncItem[],
  state: TenancyState,
  options: { prune: boolean; concurrency: number },
): Promise<SyncOutcome[]> {
  const tenancy = tenancyFor(config);
  const outcomes = new Map<string, SyncOutcome>();
  const work = items.filter((i) => i.action === 'create' || i.action === 'update' || i.grantMissing || (i.action === 'absent' && options.prune));
  for (const item of items) {
    if (work.includes(item) || item.action === 'absent') continue;
    const outcome: SyncOutcome = { tenant: item.tenant, action: item.action, status: 'done', ...(item.clientId ? { clientId: item.clientId } : {}) };
    outcomes.set(item.tenant, outcome);
    deps.onSettled?.(outcome);
  }
  const total = work.length;
  let failed = 0;
  const finish = (outcome: SyncOutcome) => {
    outcomes.set(outcome.tenant, outcome);
    deps.onSettled?.(outcome);
    if (outcome.status === 'failed') failed += 1;
    deps.onProgress([...outcomes.values()].filter((o) => work.some((w) => w.tenant === o.tenant) && o.status !== 'skipped').length, total, failed);
  };
  const fail = (item: SyncItem, error: unknown, action: SyncOutcome['action'] = item.action) => {
    const e = error instanceof TenantsError ? error : new TenantsError('auth0', 'unexpected', String(error));
    finish({
      tenant: item.tenant,
      action,
      status: 'failed',
      ...(item.clientId ? { clientId: item.clientId } : {}),
      error: { code: e.code, message: e.message },
    });
  };

  const ensureGrant = async (item: SyncItem, resource: TenantResource) => {
    if (item.grantMissing) await tenancy.ensureGrant(deps, config, resource);
  };

  const uncertain: SyncItem[] = [];
  const run = async (item: SyncItem, adopted?: TenantResource) => {
    try {
      if (item.action === 'absent') {
        // Exactly like `tenants delete`: users first, so a stopped run still finds the tenant and finishes.
        await deps.releaseUsers(item.tenant, { id: item.clientId!, name: item.tenant, current: {} });
        await tenancy.remove(deps.port, [...(item.duplicates ?? []), item.clientId!]);
        return finish({ tenant: item.tenant, action: 'delete', status: 'done', clientId: item.clientId! });
      }
      let clientId = adopted?.id ?? item.clientId;
      if (item.action === 'create' && !adopted) {
        try {
          clientId = (await tenancy.create(deps.port, config, item.tenant, item.desired!, Date.now())).id;
        } catch (error) {
          if (!isRetryable(error)) throw error;
          uncertain.push(item); // settled after this round, by reading the tenant's resource again
          return;
        }
      } else if (item.action === 'update' && item.changes?.length) {
        await tenancy.update(deps.port, { id: clientId!, name: item.tenant, current: {} }, item.desired!, item.changes, item.tenant);
      }
      if (item.duplicates?.length) await tenancy.remove(deps.port, item.duplicates);
      await ensureGrant(item, { id: clientId!, name: item.tenant, current: {} });
      finish({ tenant: item.tenant, action: item.action, status: 'done', clientId: clientId!, ...(item.changes ? { changes: item.changes } : {}) });
    } catch (error) {
      fail(item, error, item.action === 'absent' ? 'delete' : item.action);
    }
  };

  let queue: { item: SyncItem; adopted?: TenantResource }[] = work.map((item) => ({ item }));
  for (let round = 1; queue.length > 0; round++) {
    await pool(queue, options.concurrency, deps.stopSignal, ({ item, adopted }) => run(item, adopted));
    if (deps.stopSignal.aborted) break;
    if (uncertain.length === 0) break;
    const settle = uncertain.splice(0);
    if (round >= ROUNDS) {
      for (const item of settle)
        fail(item, new TenantsError('auth0', 'create_unconfirmed', 'Auth0 kept failing while creating the application; re-run to converge.'));
      break;
    }
    await deps.sleep(500 * round);
    const found = await tenancy.recover(
      deps.port,
      state,
      settle.map((i) => i.tenant),
    );
    queue = settle.map((item) => {
      const adopted = found.get(item.tenant);
      return adopted ? { item, adopted } : { item };
    });
  }
  for (const item of work) {
    if (!outcomes.has(item.tenant))
      outcomes.set(item.tenant, {
        tenant: item.tenant,
        action: item.action === 'absent' ? 'delete' : item.action,
        status: 'skipped',
        ...(item.clientId ? { clientId: item.clientId } : {}),
      });
  }
  return [...outcomes.values()];
}

/** Runs tasks with at most `size` at once; stops taking new ones once `signal` is aborted. */
async function pool<T>(tasks: T[], size: number, signal: AbortSignal, run: (task: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !signal.aborted) {
      const task = tasks[next++]!;
      await run(task);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, tasks.length)) }, worker));
}
