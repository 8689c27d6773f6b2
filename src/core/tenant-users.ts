import type { ManagementPort } from '../auth0/management-port.js';
import type { User } from '../auth0/resources.js';
import { TENANT_TAG } from './desired-state.js';
import { TenantsError } from './tenants-error.js';

export type MembershipAction = 'add' | 'move' | 'unchanged' | 'remove' | 'not_member' | 'refused' | 'not_found';

export interface Membership {
  ref: string;
  action: MembershipAction;
  userId?: string;
  email?: string;
  /** The tenant the user belonged to before. */
  from?: string | null;
  /** Other tenants of ours the user also leaves on a move (organizations: a user can be in several). */
  alsoFrom?: string[];
}

const tenantOf = (user: User): string | null => {
  const value = user.app_metadata?.[TENANT_TAG];
  return typeof value === 'string' ? value : null;
};

/**
 * Finds users by email (GET /users-by-email, which matches exactly as stored: Auth0 stores emails
 * lower-cased, so the address is lower-cased first) or by user_id (a value with a `|`).
 */
export async function resolveUsers(port: ManagementPort, refs: string[]): Promise<{ ref: string; users: User[] }[]> {
  const resolved = [];
  for (const ref of refs) {
    const users =
      ref.includes('|') || !ref.includes('@')
        ? [await port.getUser(ref)].filter((u): u is User => u !== undefined)
        : await port.findUsersByEmail(ref.toLowerCase());
    resolved.push({ ref, users });
  }
  return resolved;
}

/**
 * What adding or removing these users means, decided before any write. `memberships` (the strategy's
 * `members.tenantsOf`) says which of our tenants each user belongs to now; without it, app_metadata.tenant.
 */
export function planMembership(
  tenant: string,
  resolved: { ref: string; users: User[] }[],
  mode: 'add' | 'remove',
  move: boolean,
  memberships?: Map<string, string[]>,
): Membership[] {
  return resolved.flatMap(({ ref, users }) => {
    if (users.length === 0) return [{ ref, action: 'not_found' as const }];
    return users.map((user): Membership => {
      const current = memberships ? (memberships.get(user.user_id) ?? []) : [tenantOf(user)].filter((t): t is string => t !== null);
      const others = current.filter((t) => t !== tenant);
      const from = current.includes(tenant) ? tenant : (others[0] ?? null);
      const base = { ref, userId: user.user_id, ...(user.email ? { email: user.email } : {}), from };
      if (mode === 'remove') return { ...base, action: current.includes(tenant) ? 'remove' : 'not_member' };
      if (current.includes(tenant)) return { ...base, action: 'unchanged' };
      if (others.length === 0) return { ...base, action: 'add' };
      return { ...base, action: move ? 'move' : 'refused', ...(others.length > 1 ? { alsoFrom: others.slice(1) } : {}) };
    });
  });
}

/** Refuses the whole batch (exit 2, nothing written) when a user is unknown or would move without --move. */
export function assertMembershipAllowed(plan: Membership[], tenant: string): void {
  const missing = plan.filter((m) => m.action === 'not_found');
  if (missing.length) {
    throw new TenantsError('usage', 'user_not_found', `No user ${missing.map((m) => m.ref).join(', ')}.`, {
      hint: 'Give the email or user_id of an existing user; nothing was changed.',
    });
  }
  const refused = plan.filter((m) => m.action === 'refused');
  if (refused.length) {
    throw new TenantsError('usage', 'user_in_other_tenant', refused.map((m) => `${m.email ?? m.userId} belongs to tenant ${m.from}`).join('; ') + '.', {
      hint: `Pass --move to move them to ${tenant}; nothing was changed.`,
    });
  }
}

export async function applyMembership(port: ManagementPort, tenant: string, plan: Membership[]): Promise<void> {
  for (const m of plan) {
    if (m.action === 'add' || m.action === 'move') await port.updateAppMetadata(m.userId!, { [TENANT_TAG]: tenant });
    if (m.action === 'remove') await port.updateAppMetadata(m.userId!, { [TENANT_TAG]: null });
  }
}

export const tenantUserQuery = (tenant: string): string => `app_metadata.${TENANT_TAG}:"${tenant}"`;

/** Every user of a tenant (Auth0's search stops at 1,000 results: beyond that, use a bulk export). */
export async function listTenantUsers(port: ManagementPort, tenant: string): Promise<User[]> {
  const users: User[] = [];
  for (let page = 0; page < SEARCH_PAGES; page++) {
    const { users: batch } = await port.searchUsers(tenantUserQuery(tenant), page, PER_PAGE);
    users.push(...batch.filter((u) => tenantOf(u) === tenant));
    if (batch.length < PER_PAGE) break;
  }
  return users;
}

const PER_PAGE = 100;
const SEARCH_PAGES = 10;
/** Auth0's user search stops here; a tenant with more users is read through a users export job. */
export const SEARCH_LIMIT = 1000;

export interface ReleaseDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: (text: string) => void;
}

export interface ReleaseOptions {
  deleteUsers: boolean;
  /** How long to wait for Auth0's search index to stop showing the tenant's users (default 120 s). */
  waitMs?: number;
  pollMs?: number;
}

export interface ReleaseOutcome {
  /** Users detached (or deleted) by this run. */
  released: number;
  /** Searches made to confirm that no user carries the tenant any more. */
  confirmations: number;
  usedExport: boolean;
}

/**
 * Detaches (or deletes) every user of a tenant and reports done only once Auth0's user search returns no
 * user for it. Past 1,000 users (where search stops) the users are read from a users export job. Auth0's
 * search index trails writes, so users already handled that still show are waited for (bounded, with
 * progress); users the index shows for the first time are handled too. Every step is idempotent: a run
 * stopped anywhere is finished by the next one.
 */
export async function releaseTenantUsers(deps: ReleaseDeps, tenant: string, options: ReleaseOptions): Promise<ReleaseOutcome> {
  const { port } = deps;
  const handled = new Set<string>();
  const release = async (ids: string[]) => {
    const fresh = ids.filter((id) => !handled.has(id));
    for (let i = 0; i < fresh.length; i += PER_PAGE) {
      await Promise.all(
        fresh.slice(i, i + PER_PAGE).map((id) => (options.deleteUsers ? port.deleteUser(id) : port.updateAppMetadata(id, { [TENANT_TAG]: null }))),
      );
      fresh.slice(i, i + PER_PAGE).forEach((id) => handled.add(id));
      if (fresh.length > PER_PAGE) deps.progress(`${tenant}: ${handled.size} user(s) ${options.deleteUsers ? 'deleted' : 'detached'}`);
    }
  };
  const first = await port.searchUsers(tenantUserQuery(tenant), 0, PER_PAGE);
  let usedExport = false;
  if (first.total > SEARCH_LIMIT) {
    usedExport = true;
    await release(await exportedTenantUsers(deps, tenant, options));
  }
  await release(first.users.filter((u) => tenantOf(u) === tenant).map((u) => u.user_id));

  const deadline = deps.now() + (options.waitMs ?? 120_000);
  let confirmations = 0;
  for (;;) {
    // Read every page the search shows, so users it lists for the first time are released too.
    const shown: string[] = [];
    for (let page = 0; page < SEARCH_PAGES; page++) {
      const { users } = await port.searchUsers(tenantUserQuery(tenant), page, PER_PAGE);
      shown.push(...users.filter((u) => tenantOf(u) === tenant).map((u) => u.user_id));
      if (users.length < PER_PAGE) break;
    }
    confirmations += 1;
    if (shown.length === 0) return { released: handled.size, confirmations, usedExport };
    const unseen = shown.filter((id) => !handled.has(id));
    await release(unseen);
    if (unseen.length > 0) continue;
    if (deps.now() >= deadline) {
      throw new TenantsError(
        'auth0',
        'users_not_confirmed',
        `Auth0's user search still shows ${shown.length} user(s) of ${tenant} after waiting; ${handled.size} were ${options.deleteUsers ? 'deleted' : 'detached'}.`,
        {
          hint: "Auth0's search index lags behind writes. Re-run the same command: it resumes and confirms.",
          details: { tenant, shown: shown.length, released: handled.size },
        },
      );
    }
    deps.progress(`${tenant}: waiting for Auth0's user search to catch up (${shown.length} user(s) still shown)`);
    await deps.sleep(options.pollMs ?? 2000);
  }
}

/** The ids of a tenant's users from a users export job (polled until completed, bounded). */
async function exportedTenantUsers(deps: ReleaseDeps, tenant: string, options: ReleaseOptions): Promise<string[]> {
  deps.progress(`${tenant}: more than ${SEARCH_LIMIT} users, reading them through a users export job`);
  return (await exportUsersByTenant(deps, { waitMs: (options.waitMs ?? 120_000) * 5, pollMs: options.pollMs ?? 2000 })).get(tenant) ?? [];
}

/**
 * Every user carrying `app_metadata.tenant`, by tenant, from one users export job of the whole Auth0 tenant
 * (polled until completed, bounded): what a pass over tenants with more than 1,000 users each reads once.
 */
export async function exportUsersByTenant(
  deps: Pick<ReleaseDeps, 'port' | 'sleep' | 'now' | 'progress'>,
  options: { waitMs?: number; pollMs?: number } = {},
): Promise<Map<string, string[]>> {
  const jobId = await deps.port.exportUsers([{ name: 'user_id' }, { name: 'app_metadata' }]);
  const deadline = deps.now() + (options.waitMs ?? 600_000);
  for (;;) {
    const job = await deps.port.getJob(jobId);
    if (job.status === 'completed' && job.location) {
      const byTenant = new Map<string, string[]>();
      for (const record of await deps.port.downloadExport(job.location)) {
        const tenant = exportedTenant(record);
        if (typeof tenant !== 'string') continue;
        byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), String(record['user_id'])]);
      }
      return byTenant;
    }
    if (job.status === 'failed') throw new TenantsError('auth0', 'export_failed', `Auth0's users export job ${jobId} failed.`, { hint: 'Re-run the command.' });
    if (deps.now() >= deadline)
      throw new TenantsError('auth0', 'export_timeout', `Auth0's users export job ${jobId} is still ${job.status}.`, { hint: 'Re-run the command later.' });
    deps.progress(`users export job ${job.status}`);
    await deps.sleep(options.pollMs ?? 2000);
  }
}

function exportedTenant(record: Record<string, unknown>): unknown {
  const meta = record['app_metadata'];
  if (meta && typeof meta === 'object') return (meta as Record<string, unknown>)[TENANT_TAG];
  return record[`app_metadata.${TENANT_TAG}`];
}
