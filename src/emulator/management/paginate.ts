import { ApiError } from '../api-error.js';

export interface PageOptions {
  /** Extra fields Auth0 puts in this resource's wrapper (users and logs add `length`). */
  withLength?: boolean;
  /** Auth0 stops paging some lists (user search) at this many results. */
  maxResults?: number;
  /** The invalid_paging message past maxResults, when the resource words it differently. */
  pagingMessage?: string;
}

/**
 * Auth0's list answers. Offset paging: `page` from 0, `per_page` up to 100 (50 when absent), and with
 * `include_totals=true` a wrapper `{start, limit, total, <key>}` instead of a bare array. Checkpoint
 * paging (where the API has it): `from`/`take` answer `{<key>, next}`, `next` absent on the last page.
 */
export function paginate<T>(items: T[], query: Record<string, unknown>, key: string, options: PageOptions = {}): unknown {
  if (query['take'] !== undefined || query['from'] !== undefined) {
    const take = query['take'] === undefined ? 50 : Number(query['take']);
    const from = query['from'] === undefined ? 0 : decodeCursor(String(query['from']));
    const slice = items.slice(from, from + take);
    const next = from + take < items.length ? Buffer.from(String(from + take)).toString('base64url') : undefined;
    return next === undefined ? { [key]: slice } : { [key]: slice, next };
  }
  const perPage = query['per_page'] === undefined ? 50 : Number(query['per_page']);
  const page = query['page'] === undefined ? 0 : Number(query['page']);
  const start = page * perPage;
  if (options.maxResults !== undefined && start + perPage > options.maxResults) {
    throw new ApiError(400, 'invalid_paging', options.pagingMessage ?? `You can only page through the first ${options.maxResults} records.`);
  }
  const slice = items.slice(start, start + perPage);
  if (query['include_totals'] !== true) return slice;
  return options.withLength
    ? { start, limit: perPage, length: slice.length, total: items.length, [key]: slice }
    : { start, limit: perPage, total: items.length, [key]: slice };
}

function decodeCursor(cursor: string): number {
  const value = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isInteger(value) || value < 0) throw new ApiError(400, 'invalid_query_string', "Query validation error: 'invalid from' on property from.");
  return value;
}
