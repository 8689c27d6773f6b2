import { isUtf8 } from 'node:buffer';

/**
 * A token taken apart without trusting anything in it. Every rule here is mirrored line by line in
 * templates/tenant_auth.py (`_parts`), and README's "Token checks" table states them once.
 */
export type TokenParts =
  | { kind: 'jws'; token: string; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { kind: 'missing'; reason: string }
  | { kind: 'opaque'; reason: string }
  | { kind: 'malformed'; reason: string };

/** Longer tokens are `malformed` before anything is decoded (Auth0's access tokens are a few KiB at most). */
export const MAX_TOKEN_LENGTH = 16_384;
/** Objects and arrays nested deeper than this in the header or payload are `malformed` (the top object is depth 1). */
export const MAX_JSON_DEPTH = 20;
/** What a SPA sends when it has no token: `Bearer ${undefined}`, `Bearer ${null}`, or nothing. */
const MISSING = new Set(['', 'undefined', 'null']);
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const OPAQUE = /^[A-Za-z0-9\-._~+/=]+$/;
const EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const BEARER = /^bearer(?:[ \t]+|$)/i;
const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url with no padding and no stray bits (the unused low bits of the last character are zero): one text
 * per byte string, so no two tokens carry the same signature. tenant_auth.py decodes and re-encodes to compare.
 */
export function canonicalBase64url(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 1 || !SEGMENT.test(segment)) return false;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(segment[segment.length - 1]!);
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

const isEdge = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** Surrounding whitespace and one leading `Bearer ` (any case) removed: what the backend module sees as the token. */
export function normalizeToken(raw: string): string {
  const trimmed = isEdge(raw.charCodeAt(0)) || isEdge(raw.charCodeAt(raw.length - 1)) ? raw.replace(EDGES, '') : raw;
  return BEARER.test(trimmed) ? trimmed.replace(BEARER, '').replace(EDGES, '') : trimmed;
}

/**
 * Scans valid JSON text: no object or array nested deeper than MAX_JSON_DEPTH, and every number literal finite
 * as a double (a 400-digit integer is not). The text, not the parsed value, so a duplicated member counts too;
 * tenant_auth.py applies the same two rules while parsing. A reason when one is broken.
 */
function unusual(text: string): string | undefined {
  // Fast path: fewer opening brackets than the limit cannot nest past it, and a number can only be infinite
  // with an exponent or hundreds of digits; the scan below decides exactly when either could happen.
  if (openings(text) <= MAX_JSON_DEPTH && !RISKY_NUMBER.test(text)) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j]!)) j++;
      if (!Number.isFinite(Number(text.slice(i, j)))) return 'holds a number too large for a double';
      i = j - 1;
    }
  }
  return undefined;
}
const NUMBER_CHAR = /[0-9.eE+-]/;
const RISKY_NUMBER = /[0-9][eE]|[0-9]{300}/;

function openings(text: string): number {
  let count = 0;
  for (let i = text.indexOf('{'); i !== -1 && count <= MAX_JSON_DEPTH; i = text.indexOf('{', i + 1)) count++;
  for (let i = text.indexOf('['); i !== -1 && count <= MAX_JSON_DEPTH; i = text.indexOf('[', i + 1)) count++;
  return count;
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> | string {
  const bad = `the ${what} is not base64url-encoded JSON`;
  if (segment.length === 0 || !canonicalBase64url(segment)) return bad;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return `the ${what} starts with a byte order mark`;
  if (!isUtf8(bytes)) return bad;
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `the ${what} is not a JSON object`;
  const reason = unusual(text);
  return reason ? `the ${what} ${reason}` : (value as Record<string, unknown>);
}

export function tokenParts(raw: string): TokenParts {
  const token = normalizeToken(raw);
  if (MISSING.has(token)) return { kind: 'missing', reason: token === '' ? 'no token was sent' : `the token is the text "${token}"` };
  if (token.length > MAX_TOKEN_LENGTH) return { kind: 'malformed', reason: `longer than ${MAX_TOKEN_LENGTH} characters` };
  const parts = token.split('.');
  if (parts.length === 1) {
    return OPAQUE.test(token) ? { kind: 'opaque', reason: 'an opaque string, not a JWT' } : { kind: 'malformed', reason: 'not a JWT (no dot-separated parts)' };
  }
  if (parts.length === 5) {
    const header = decodeJsonObject(parts[0]!, 'header');
    return typeof header === 'object' && 'enc' in header
      ? { kind: 'opaque', reason: 'an encrypted token (JWE)' }
      : { kind: 'malformed', reason: 'five parts but not a JWE' };
  }
  if (parts.length !== 3) return { kind: 'malformed', reason: `${parts.length} dot-separated parts; a JWT has 3` };
  const header = decodeJsonObject(parts[0]!, 'header');
  if (typeof header === 'string') return { kind: 'malformed', reason: header };
  const payload = decodeJsonObject(parts[1]!, 'payload');
  if (typeof payload === 'string') return { kind: 'malformed', reason: payload };
  if (!canonicalBase64url(parts[2]!)) return { kind: 'malformed', reason: 'the signature is not canonical base64url' };
  if ('crit' in header) return { kind: 'malformed', reason: 'the header has "crit": no JWS extension is supported' };
  if ('b64' in header && header['b64'] !== true) return { kind: 'malformed', reason: 'the header has "b64": unencoded payloads are not supported' };
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    return { kind: 'malformed', reason: `the header's typ ${JSON.stringify(typ)} is not JWT or at+jwt` };
  }
  for (const claim of NUMERIC_DATES) {
    const value = payload[claim];
    if (value !== undefined && typeof value !== 'number') return { kind: 'malformed', reason: `the ${claim} claim is not a number` };
  }
  return { kind: 'jws', token, header, payload };
}
