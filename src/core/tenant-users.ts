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
}

const tenantOf = (user: User): string | null => {
  const value = user.app_metadata?.[TENANT_TAG];
  return typeof value === 'string' ? value : null;
};

/** Finds users by email (exact: GET /users-by-email) or by user_id (a value with a `|`). */
export async function resolveUsers(port: ManagementPort, refs: string[]): Promise<{ ref: string; users: User[] }[]> {
  const resolved = [];
  for (const ref of refs) {
    const users = ref.includes('|') || !ref.includes('@') ? [await port.getUser(ref)].filter((u): u is User => u !== undefined) : await port.findUsersByEmail(ref);
    resolved.push({ ref, users });
  }
  return resolved;
}

/** What adding or removing these users means, decided before any write. */
export function planMembership(tenant: string, resolved: { ref: string; users: User[] }[], mode: 'add' | 'remove', move: boolean): Membership[] {
  return resolved.flatMap(({ ref, users }) => {
    if (users.length === 0) return [{ ref, action: 'not_found' as const }];
    return users.map((user): Membership => {
      const from = tenantOf(user);
      const base = { ref, userId: user.user_id, ...(user.email ? { email: user.email } : {}), from };
      if (mode === 'remove') return { ...base, action: from === tenant ? 'remove' : 'not_member' };
      if (from === tenant) return { ...base, action: 'unchanged' };
      if (from === null) return { ...base, action: 'add' };
      return { ...base, action: move ? 'move' : 'refused' };
    });
  });
}

/** Refuses the whole batch (exit 2, nothing written) when a user is unknown or would move without --move. */
export function assertMembershipAllowed(plan: Membership[], tenant: string): void {
  const missing = plan.filter((m) => m.action === 'not_found');
  if (missing.length) {
    throw new TenantsError('usage', 'user_not_found', `No user ${missing.map((m) => m.ref).join(', ')}.`, { hint: 'Give the email or user_id of an existing user; nothing was changed.' });
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
  for (let page = 0; page < 10; page++) {
    const batch = await port.searchUsers(tenantUserQuery(tenant), page, 100);
    users.push(...batch.filter((u) => tenantOf(u) === tenant));
    if (batch.length < 100) break;
  }
  return users;
}

/**
 * Detaches (or deletes) every user of a tenant, a search page of up to 100 at a time, scanning again
 * until a scan finds no one new, so a run stopped at any point is finished by the next one. Users
 * already handled are skipped, as Auth0's search index can lag behind the writes.
 */
export async function releaseTenantUsers(port: ManagementPort, tenant: string, options: { deleteUsers: boolean; maxScans?: number }): Promise<number> {
  const seen = new Set<string>();
  for (let scan = 0; scan < (options.maxScans ?? 20); scan++) {
    let fresh = 0;
    for (let page = 0; page < 10; page++) {
      const batch = await port.searchUsers(tenantUserQuery(tenant), page, 100);
      const users = batch.filter((u) => tenantOf(u) === tenant && !seen.has(u.user_id));
      await Promise.all(users.map((u) => (options.deleteUsers ? port.deleteUser(u.user_id) : port.updateAppMetadata(u.user_id, { [TENANT_TAG]: null }))));
      users.forEach((u) => seen.add(u.user_id));
      fresh += users.length;
      if (batch.length < 100) break;
    }
    if (fresh === 0) break;
  }
  return seen.size;
}
