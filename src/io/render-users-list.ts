import { renderTable } from './render-table.js';

/** The members `users list` found: a USER ID / EMAIL table, or how to add some. */
export function renderUsersList(tenant: string, rows: { userId: string; email: string | null }[]): string {
  return rows.length
    ? renderTable(
        ['USER ID', 'EMAIL'],
        rows.map((r) => [r.userId, r.email ?? '-']),
      )
    : `No users in ${tenant}. Add some with: tenants users add ${tenant} <email>`;
}
