import { ApiError } from '../api-error.js';

/** Code-point order: the order `from` is compared in (`localeCompare` puts "a" before "B", `>` does not). */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Auth0's checkpoint paging (`from`/`take`), keyed: `next` names the last item served, so items added or
 * removed between pages never make a page skip or repeat one. `take` defaults to 50; `next` is absent on
 * the last page. Items are served in the code-point order of `key`, whatever order they come in (a list sorted
 * with `localeCompare` would make mixed-case ids skip or repeat across pages).
 */
export function checkpointPage<T>(unsorted: T[], key: (item: T) => string, query: Record<string, unknown>, name: string): Record<string, unknown> {
  const items = [...unsorted].sort((a, b) => byCodePoint(key(a), key(b)));
  const take = query['take'] === undefined ? 50 : Number(query['take']);
  let start = 0;
  if (query['from'] !== undefined && query['from'] !== '') {
    const after = Buffer.from(String(query['from']), 'base64url').toString();
    if (after === '') throw new ApiError(400, 'invalid_query_string', "Query validation error: 'invalid from' on property from.");
    // Right after the cursor's item; if that item is gone, at the first key past it (`items` are in code-unit order).
    const at = items.findIndex((item) => key(item) === after);
    start = at >= 0 ? at + 1 : items.findIndex((item) => key(item) > after);
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + take);
  const last = slice.at(-1);
  return start + take < items.length && last !== undefined ? { [name]: slice, next: Buffer.from(key(last)).toString('base64url') } : { [name]: slice };
}
