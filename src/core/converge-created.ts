import type { ManagementPort } from '../auth0/management-port.js';
import { findTagged } from './find-tagged.js';
import type { ProjectConfig } from './project-config.js';
import { requiresClientGrant, type CurrentState } from './provision-tenants.js';
import { removeDuplicates } from './remove-duplicates.js';
import { createUserGrant } from './user-grant.js';

/** A run's outcome for one tenant, as sync and create report it. */
export interface Settled {
  tenant: string;
  action: string;
  status: string;
  clientId?: string | undefined;
}

export interface Convergence {
  /** Tenants whose application created by this run lost to an older one (their outcome now names the survivor). */
  moved: string[];
  /** Our duplicate applications deleted (this run's own losers). */
  removed: number;
  requests: number;
}

/**
 * Runs after a run's creates, for the case the lease did not serialise two runs (it expired, or a run did
 * not take it): lists the applications once more and, for each tenant this run created, keeps the survivor
 * every run chooses (src/core/survivor-order.ts). When that is not ours, ours is deleted with its grant,
 * the survivor's grant is made sure of, and the caller rewrites the files to name it. A run deletes only
 * the duplicates it made itself (another run's are deleted by that run, or by the next run's plan), so two
 * converging runs never pull an application from under each other's grant.
 */
export async function convergeCreated(
  deps: { port: ManagementPort; sleep: (ms: number) => Promise<void> },
  config: ProjectConfig,
  state: CurrentState,
  outcomes: Settled[],
  onMoved: (outcome: Settled) => void,
): Promise<Convergence> {
  const result: Convergence = { moved: [], removed: 0, requests: 0 };
  const created = outcomes.filter((o): o is Settled & { clientId: string } => o.action === 'create' && o.status === 'done' && o.clientId !== undefined);
  if (created.length === 0) return result;
  const clients = await deps.port.listClients();
  result.requests += Math.max(1, Math.ceil(clients.length / 100));
  state.clients.splice(0, state.clients.length, ...clients);
  for (const outcome of created) {
    const { tenant, clientId } = outcome;
    const survivor = findTagged(clients, tenant)[0];
    if (!survivor || survivor.client_id === clientId) continue;
    result.requests += await removeDuplicates(deps.port, [clientId]);
    result.removed++;
    state.clients.splice(0, state.clients.length, ...state.clients.filter((c) => c.client_id !== clientId));
    if (requiresClientGrant(state.api)) {
      result.requests++;
      await createUserGrant(deps, config, survivor.client_id);
    }
    outcome.clientId = survivor.client_id;
    result.moved.push(tenant);
    onMoved(outcome);
  }
  return result;
}
