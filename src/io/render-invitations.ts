import type { InviteResult } from '../core/tenancy.js';
import { MEMBERSHIP_VERB } from './membership-verb.js';
import { renderTable } from './render-table.js';

/** What `users invite` did: one row per email with its result and the link to hand over. */
export function renderInvitations(invited: InviteResult[], organizations: boolean): string {
  const result = (i: InviteResult) => (i.created ? 'created' : i.action === 'move' ? `moved from ${i.from}` : MEMBERSHIP_VERB[i.action]);
  return renderTable(
    ['EMAIL', 'RESULT', organizations ? 'INVITATION LINK' : 'PASSWORD LINK (single use, 5 days)'],
    invited.map((i) => [i.email, result(i), i.url]),
  );
}
