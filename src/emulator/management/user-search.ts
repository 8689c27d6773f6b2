import { ApiError } from '../api-error.js';
import type { Entity } from '../state.js';

type Term = { field: string | undefined; value: string; negate: boolean };

/**
 * The part of Auth0's user search syntax (Lucene, search_engine v3) that tools use: `field:value`,
 * `field:"quoted value"`, dotted metadata paths (`app_metadata.tenant:acme`), a trailing `*`
 * wildcard, `_exists_:field`, `NOT`/`-`, joined by `AND` or spaces (all terms must match). Email,
 * name and similar fields match case-insensitively, metadata exactly, as in Auth0.
 */
export function userMatcher(q: string): (user: Entity) => boolean {
  const terms = parse(q);
  return (user) => terms.every((t) => matches(user, t) !== t.negate);
}

function parse(q: string): Term[] {
  const terms: Term[] = [];
  const re = /\s*(NOT\s+|-)?(?:([\w.]+):)?("(?:[^"\\]|\\.)*"|[^\s()"]+)\s*/gy;
  let rest = q.trim();
  while (rest.length > 0) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m || m[0].length === 0) throw new ApiError(400, 'invalid_query', `Invalid query: ${q}`);
    rest = rest.slice(m[0].length);
    const raw = m[3] ?? '';
    if (!m[2] && (raw === 'AND' || raw === '&&')) continue;
    if (!m[2] && (raw === 'OR' || raw === '||')) throw new ApiError(400, 'invalid_query', 'OR queries are not supported by the emulator.');
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    terms.push({ field: m[2], value, negate: Boolean(m[1]) });
  }
  return terms;
}

function get(user: Entity, path: string): unknown {
  let node: unknown = user;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Entity)[part];
  }
  return node;
}

function matches(user: Entity, term: Term): boolean {
  if (term.field === '_exists_') return get(user, term.value) !== undefined;
  const fields = term.field ? [term.field] : ['email', 'name', 'nickname', 'user_id', 'username'];
  const insensitive = (field: string) => !field.includes('metadata');
  return fields.some((field) => {
    const actual = get(user, field);
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((v) => {
      if (v === undefined || v === null || typeof v === 'object') return false;
      let a = String(v);
      let want = term.value;
      if (insensitive(field)) {
        a = a.toLowerCase();
        want = want.toLowerCase();
      }
      return want.endsWith('*') ? a.startsWith(want.slice(0, -1)) : a === want;
    });
  });
}
