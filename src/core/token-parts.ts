/** A token taken apart without trusting anything in it. The rules are mirrored line by line in templates/tenant_auth.py. */
export type TokenParts =
  | { kind: 'jws'; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { kind: 'opaque'; reason: string }
  | { kind: 'malformed'; reason: string };

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** base64url with no padding and no stray bits: one text per byte string, so no two tokens carry the same signature. */
const canonical = (segment: string): boolean =>
  SEGMENT.test(segment) && segment.length % 4 !== 1 && Buffer.from(segment, 'base64url').toString('base64url') === segment;
const OPAQUE = /^[A-Za-z0-9\-._~+/=]+$/;
const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  if (segment.length === 0 || !canonical(segment)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url'));
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function tokenParts(raw: string): TokenParts {
  const token = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (token.length === 0) return { kind: 'malformed', reason: 'the token is empty' };
  const parts = token.split('.');
  if (parts.length === 1) {
    return OPAQUE.test(token)
      ? { kind: 'opaque', reason: 'an opaque string, not a JWT' }
      : { kind: 'malformed', reason: 'not a JWT (no dot-separated parts)' };
  }
  if (parts.length === 5) {
    const header = decodeJsonObject(parts[0]!);
    return header && 'enc' in header
      ? { kind: 'opaque', reason: `an encrypted token (JWE, enc ${String(header['enc'])})` }
      : { kind: 'malformed', reason: 'five parts but not a JWE' };
  }
  if (parts.length !== 3) return { kind: 'malformed', reason: `${parts.length} dot-separated parts; a JWT has 3` };
  const header = decodeJsonObject(parts[0]!);
  if (!header) return { kind: 'malformed', reason: 'the header is not base64url-encoded JSON' };
  const payload = decodeJsonObject(parts[1]!);
  if (!payload) return { kind: 'malformed', reason: 'the payload is not base64url-encoded JSON' };
  if (!canonical(parts[2]!)) return { kind: 'malformed', reason: 'the signature is not canonical base64url' };
  for (const claim of NUMERIC_DATES) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      return { kind: 'malformed', reason: `the ${claim} claim is not a number` };
    }
  }
  return { kind: 'jws', header, payload };
}
