import { compactVerify } from 'jose/jws/compact/verify';
import { importJWK } from 'jose/key/import';
import type { VerifierSettings } from './tenant-settings-schema.js';
import { canonicalBase64url, tokenParts } from './token-parts.js';

export type RejectionCode =
  | 'missing_token'
  | 'malformed'
  | 'opaque_token'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'id_token'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_application'
  | 'missing_tenant_claim'
  | 'wrong_tenant';

export interface Check {
  name: string;
  ok: boolean | null;
  expected: unknown;
  actual: unknown;
}

export interface Verdict {
  valid: boolean;
  code: RejectionCode | null;
  message: string;
  hint: string;
  tenant: string;
  /** The tenant the token's claim names, when it has one. */
  tokenTenant: string | null;
  checks: Check[];
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Where keys come from: the configured JWKS only (never jku/x5u from the token); `refresh` refetches once.
 * Each returns the `keys` member of the JWKS as fetched (entries unchecked); the same array until refetched,
 * which is what imported keys are cached by. Throws when the key set cannot be had.
 */
export interface KeySource {
  keys(): Promise<unknown[]>;
  refresh?: () => Promise<unknown[]>;
}

export const HINTS: Record<RejectionCode, string> = {
  missing_token:
    'The request carried no access token: the SPA called the API before it had one (or sent "Bearer undefined"). Get the token with getTokenSilently() and the API audience first, and send it as "Authorization: Bearer <token>".',
  malformed: 'Send the access token as Auth0 issued it: three base64url parts separated by dots, at most 16 KiB.',
  opaque_token: 'Ask Auth0 for the token with the audience of the API (the SPA setting VITE_AUTH0_AUDIENCE): without it Auth0 returns an opaque token.',
  alg_not_allowed: 'Only the algorithms in tenant.json are accepted; "none" and HS* never are.',
  unknown_kid: 'The token was signed by a key the JWKS does not publish: another Auth0 tenant, or a rotated-out key.',
  bad_signature: 'The signature does not match: the token was altered, or signed by someone else.',
  wrong_issuer: 'The token comes from another Auth0 tenant or domain (the trailing slash matters; a custom domain changes the issuer).',
  wrong_audience: 'The token was issued for another API: request it with the audience in tenant.json.',
  id_token: 'This is an ID token (its audience is the application): send the access token instead.',
  expired: 'Get a fresh token (refresh it or log in again).',
  not_yet_valid: 'The token is not valid yet: check the clocks of the issuing and verifying machines.',
  wrong_application: "The token was issued to another tenant's application: this backend accepts only its own tenant's application.",
  missing_tenant_claim:
    'The tenant-claim Action is not deployed or bound (run `tenants init`), the user has no app_metadata.tenant, or another claim collided with it.',
  wrong_tenant: "The user belongs to another tenant: check the user's app_metadata.tenant.",
};

type Imported = Awaited<ReturnType<typeof importJWK>>;
interface UsableKey {
  kid: string;
  key: Imported;
}

const FAMILY: Record<string, string> = { RS: 'RSA', PS: 'RSA', ES: 'EC' };
const CURVES: Record<string, [string, number]> = { ES256: ['P-256', 32], ES384: ['P-384', 48], ES512: ['P-521', 66] };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const bigint = (bytes: Buffer) => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));
const member = (jwk: Record<string, unknown>, name: string): Buffer | undefined => {
  const value = jwk[name];
  return typeof value === 'string' && value.length > 0 && canonicalBase64url(value) ? Buffer.from(value, 'base64url') : undefined;
};

/**
 * The public members of a key that can verify `alg`, or undefined: the JWKS rules tenant_auth.py shares
 * (`_usable_jwk`). A key is skipped unless it has a non-empty string `kid`; `use` absent or "sig"; `key_ops`
 * absent or a list holding "verify"; `alg` absent or the token's; the kty of the alg (RSA for RS/PS, EC for ES);
 * for EC the alg's curve (ES256 P-256, ES384 P-384, ES512 P-521) with coordinates of its size; for RSA a modulus
 * of at least 2048 bits and an odd exponent of at least 3 below it; no private member; canonical base64url.
 */
export function usableJwk(jwk: unknown, alg: string): Record<string, string> | undefined {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return undefined;
  const k = jwk as Record<string, unknown>;
  if (typeof k['kid'] !== 'string' || k['kid'].length === 0) return undefined;
  if ('use' in k && k['use'] !== 'sig') return undefined;
  if ('key_ops' in k && !(Array.isArray(k['key_ops']) && k['key_ops'].includes('verify'))) return undefined;
  if ('alg' in k && k['alg'] !== alg) return undefined;
  if (k['kty'] !== FAMILY[alg.slice(0, 2)] || PRIVATE_MEMBERS.some((name) => name in k)) return undefined;
  if (k['kty'] === 'EC') {
    const [crv, size] = CURVES[alg] ?? ['', 0];
    const x = member(k, 'x');
    const y = member(k, 'y');
    if (k['crv'] !== crv || x?.length !== size || y?.length !== size) return undefined;
    return { kty: 'EC', crv, x: k['x'] as string, y: k['y'] as string };
  }
  const n = member(k, 'n');
  const e = member(k, 'e');
  if (!n || !e) return undefined;
  const modulus = bigint(n);
  const exponent = bigint(e);
  if (modulus.toString(2).length < 2048 || modulus % 2n === 0n || exponent < 3n || exponent % 2n === 0n || exponent >= modulus) return undefined;
  return { kty: 'RSA', n: k['n'] as string, e: k['e'] as string };
}

/** Imported keys, cached per fetched key set (the array a KeySource returns) and algorithm; the import runs once. */
const imported = new WeakMap<object, Map<string, UsableKey[] | Promise<UsableKey[]>>>();

function usableKeys(keys: unknown[], alg: string): UsableKey[] | Promise<UsableKey[]> {
  let byAlg = imported.get(keys);
  if (!byAlg) imported.set(keys, (byAlg = new Map()));
  const found = byAlg.get(alg);
  if (found) return found;
  const importing = Promise.all(
    keys.map(async (jwk) => {
      const members = usableJwk(jwk, alg);
      if (!members) return undefined;
      try {
        return { kid: (jwk as { kid: string }).kid, key: await importJWK(members, alg) };
      } catch {
        return undefined; // a member the platform cannot import: skipped, as tenant_auth.py skips it
      }
    }),
  ).then((all) => {
    const usable = all.filter((k): k is UsableKey => k !== undefined);
    byAlg.set(alg, usable);
    return usable;
  });
  byAlg.set(alg, importing);
  return importing;
}

/** The key that could have signed a token with this header: the first usable key with its kid; without a kid, the only usable key. */
async function candidate(keys: unknown[], alg: string, header: Record<string, unknown>): Promise<Imported | undefined> {
  const cached = usableKeys(keys, alg);
  const usable = Array.isArray(cached) ? cached : await cached;
  if (!('kid' in header)) return usable.length === 1 ? usable[0]!.key : undefined;
  const kid = header['kid'];
  return typeof kid === 'string' ? usable.find((u) => u.kid === kid)?.key : undefined;
}

/**
 * Checks an access token exactly as the generated backend module does, in this order: format, algorithm,
 * key, signature, issuer, audience, expiry, not-before, application, tenant. Every check that can run is
 * reported; the first failure decides the code. Throws only when the key set cannot be had (exit 1).
 */
export async function verifyToken(token: string, settings: VerifierSettings, keySource: KeySource, nowSeconds: number): Promise<Verdict> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean | null, expected: unknown, actual: unknown) => checks.push({ name, ok, expected, actual });
  const parts = tokenParts(token);
  const verdict = (header: Record<string, unknown>, claims: Record<string, unknown>): Verdict => {
    const failed = checks.find((c) => c.ok === false);
    const code = failed ? (parts.kind === 'opaque' ? 'opaque_token' : parts.kind === 'missing' ? 'missing_token' : codeOf(failed, claims, settings)) : null;
    const tokenTenant = typeof claims[settings.tenantClaim] === 'string' ? (claims[settings.tenantClaim] as string) : null;
    return {
      valid: code === null,
      code,
      message: code === null ? `The token is valid for tenant ${settings.tenant}.` : messageOf(code, failed!, settings, tokenTenant),
      hint: code === null ? '' : HINTS[code],
      tenant: settings.tenant,
      tokenTenant,
      checks,
      header,
      claims,
    };
  };

  if (parts.kind !== 'jws') {
    add('format', false, 'a signed JWT (JWS)', parts.reason);
    for (const name of ['algorithm', 'key', 'signature', 'issuer', 'audience', 'expiry', 'not-before', 'application', 'tenant']) add(name, null, null, null);
    return verdict({}, {});
  }
  const { header, payload: claims } = parts;
  add('format', true, 'a signed JWT (JWS)', 'JWS');

  const alg = typeof header['alg'] === 'string' ? header['alg'] : undefined;
  const algOk = alg !== undefined && (ASYMMETRIC as readonly string[]).includes(alg) && (settings.algorithms as string[]).includes(alg);
  add('algorithm', algOk, settings.algorithms, header['alg'] ?? null);

  let key: Imported | undefined;
  if (algOk) {
    key = await candidate(await keySource.keys(), alg, header);
    if (key === undefined && keySource.refresh) key = await candidate(await keySource.refresh(), alg, header);
    add('key', key !== undefined, 'a key of the configured JWKS', header['kid'] ?? null);
  } else add('key', null, 'a key of the configured JWKS', header['kid'] ?? null);

  if (key && alg) {
    let signed: boolean;
    try {
      await compactVerify(parts.token, key, { algorithms: [alg] });
      signed = true;
    } catch {
      signed = false;
    }
    add('signature', signed, 'valid', signed ? 'valid' : 'invalid');
  } else add('signature', null, 'valid', null);

  add('issuer', claims['iss'] === settings.issuer, settings.issuer, claims['iss'] ?? null);
  const aud = claims['aud'];
  const audList = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
  add('audience', audList.includes(settings.audience), settings.audience, aud ?? null);
  // RFC 7519 4.1.4 and 4.1.5 with the leeway: valid while now < exp + leeway, and from nbf - leeway on.
  const leeway = settings.leewaySeconds;
  const exp = claims['exp'] as number | undefined;
  add(
    'expiry',
    exp !== undefined && nowSeconds < exp + leeway,
    `after ${isoOf(nowSeconds - leeway)} (now - ${leeway} s)`,
    exp === undefined ? null : isoOf(exp),
  );
  const nbf = claims['nbf'] as number | undefined;
  add(
    'not-before',
    nbf === undefined || nbf <= nowSeconds + leeway,
    `at most ${isoOf(nowSeconds + leeway)} (now + ${leeway} s)`,
    nbf === undefined ? null : isoOf(nbf),
  );
  add('application', claims[settings.clientIdClaim] === settings.clientId, settings.clientId, claims[settings.clientIdClaim] ?? null);
  add('tenant', claims[settings.tenantClaim] === settings.tenant, settings.tenant, claims[settings.tenantClaim] ?? null);
  return verdict(header, claims);
}

/** An ISO time for people; a NumericDate outside what Date can show is printed as the number. The last few are remembered (a batch shares `now`). */
const recentIso = new Map<number, string>();
const isoOf = (seconds: number): string => {
  let text = recentIso.get(seconds);
  if (text === undefined) {
    const date = new Date(seconds * 1000);
    text = Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
    if (recentIso.size >= 8) recentIso.delete(recentIso.keys().next().value!);
    recentIso.set(seconds, text);
  }
  return text;
};

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

const CHECK_CODES: Record<string, RejectionCode> = {
  format: 'malformed',
  algorithm: 'alg_not_allowed',
  key: 'unknown_kid',
  signature: 'bad_signature',
  issuer: 'wrong_issuer',
  audience: 'wrong_audience',
  expiry: 'expired',
  'not-before': 'not_yet_valid',
  application: 'wrong_application',
  tenant: 'wrong_tenant',
};

function codeOf(failed: Check, claims: Record<string, unknown>, settings: VerifierSettings): RejectionCode {
  if (failed.name === 'audience') {
    const aud = claims['aud'];
    const list = Array.isArray(aud) ? aud : [aud];
    if (list.includes(settings.clientId)) return 'id_token';
  }
  if (failed.name === 'tenant' && (claims[settings.tenantClaim] === undefined || claims[settings.tenantClaim] === null)) return 'missing_tenant_claim';
  return CHECK_CODES[failed.name] ?? 'malformed';
}

function messageOf(code: RejectionCode, failed: Check, settings: VerifierSettings, tokenTenant: string | null): string {
  const actual = JSON.stringify(failed.actual);
  switch (code) {
    case 'missing_token':
      return `No token: ${String(failed.actual)}.`;
    case 'malformed':
      return `The token is malformed: ${String(failed.actual)}.`;
    case 'opaque_token':
      return `The token is not a JWT the backend can check: ${String(failed.actual)}.`;
    case 'alg_not_allowed':
      return `The token is signed with ${actual}; only ${settings.algorithms.join(', ')} is accepted.`;
    case 'unknown_kid':
      return `No key with kid ${actual} in ${settings.jwksUri}, even after refetching it.`;
    case 'bad_signature':
      return 'The signature does not verify with the published key.';
    case 'wrong_issuer':
      return `The issuer is ${actual}, expected ${JSON.stringify(settings.issuer)}.`;
    case 'wrong_audience':
      return `The audience is ${actual}, expected ${JSON.stringify(settings.audience)}.`;
    case 'id_token':
      return `This is an ID token for application ${settings.clientId}, not an access token for ${settings.audience}.`;
    case 'expired':
      return failed.actual === null ? 'The token has no exp claim.' : `The token expired at ${String(failed.actual)}.`;
    case 'not_yet_valid':
      return `The token is not valid before ${String(failed.actual)}.`;
    case 'wrong_application':
      return `The token was issued to application ${actual} (${settings.clientIdClaim}), not to ${settings.tenant}'s application ${settings.clientId}.`;
    case 'missing_tenant_claim':
      return `The token has no ${settings.tenantClaim} claim.`;
    case 'wrong_tenant':
      return `The token belongs to tenant ${tokenTenant === null ? actual : JSON.stringify(tokenTenant)}, not ${JSON.stringify(settings.tenant)}.`;
  }
}
