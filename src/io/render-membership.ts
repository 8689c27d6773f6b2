import type { Membership } from '../core/tenant-users.js';
import { MEMBERSHIP_VERB } from './membership-verb.js';
import { renderTable } from './render-table.js';

/** What `users add|remove` did: a USER / RESULT table. */
export function renderMembership(plan: Membership[]): string {
  return renderTable(
    ['USER', 'RESULT'],
    plan.map((m) => [m.email ?? m.userId ?? m.ref, `${MEMBERSHIP_VERB[m.action]}${m.action === 'move' ? ` from ${m.from}` : ''}`]),
  );
}
