import { compactVerify, importJWK, type JWK } from 'jose';
import type { VerifierSettings } from './tenant-settings-schema.js';
import { tokenParts } from './token-parts.js';

export type RejectionCode =
  | 'malformed' | 'opaque_token' | 'alg_not_allowed' | 'unknown_kid' | 'bad_signature' | 'wrong_issuer'
  | 'wrong_audience' | 'id_token' | 'expired' | 'not_yet_valid' | 'wrong_application' | 'missing_tenant_claim' | 'wrong_tenant';

export interface Check { name: string; ok: boolean | null; expected: unknown; actual: unknown }

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

/** Where keys come from: the configured JWKS only (never jku/x5u from the token); `refresh` refetches once. */
export interface KeySource {
  keys(): Promise<JWK[]>;
  refresh?: () => Promise<JWK[]>;
}

const HINTS: Record<RejectionCode, string> = {
  malformed: 'Send the raw access token (three base64url parts separated by dots), without "Bearer ".',
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
  missing_tenant_claim: 'The tenant-claim Action is not deployed or bound (run `tenants init`), the user has no app_metadata.tenant, or another claim collided with it.',
  wrong_tenant: "The user belongs to another tenant: check the user's app_metadata.tenant.",
};

const kindOf = (alg: string) => (alg.startsWith('ES') ? 'EC' : 'RSA');

type Imported = Awaited<ReturnType<typeof importJWK>>;

/** The keys that could have signed a token with this header, by the rules tenant_auth.py shares. */
async function candidates(keys: JWK[], alg: string, kid: unknown): Promise<Imported[]> {
  const usable: { jwk: JWK; key: Imported }[] = [];
  for (const jwk of keys) {
    if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    if (jwk.kty !== kindOf(alg) || (jwk.alg !== undefined && jwk.alg !== alg)) continue;
    try {
      usable.push({ jwk, key: await importJWK(jwk, alg) });
    } catch {
      // an unusable key is skipped, as PyJWKSet skips it
    }
  }
  if (kid === undefined) return usable.length === 1 ? [usable[0]!.key] : [];
  return typeof kid === 'string' ? usable.filter((u) => u.jwk.kid === kid).map((u) => u.key) : [];
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
    const code = failed ? (parts.kind === 'opaque' ? 'opaque_token' : codeOf(failed, claims, settings)) : null;
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
  const algOk = alg !== undefined && alg !== 'none' && !alg.toUpperCase().startsWith('HS') && (settings.algorithms as string[]).includes(alg);
  add('algorithm', algOk, settings.algorithms, header['alg'] ?? null);

  let key: Imported | undefined;
  if (algOk) {
    let found = await candidates(await keySource.keys(), alg, header['kid']);
    if (found.length === 0 && keySource.refresh) found = await candidates(await keySource.refresh(), alg, header['kid']);
    key = found[0];
    add('key', key !== undefined, 'a key of the configured JWKS', header['kid'] ?? null);
  } else add('key', null, 'a key of the configured JWKS', header['kid'] ?? null);

  if (key && alg) {
    let signed = false;
    try {
      await compactVerify(token.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''), key, { algorithms: [alg] });
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
  const exp = claims['exp'] as number | undefined;
  add('expiry', exp !== undefined && nowSeconds <= exp + settings.leewaySeconds, `after ${isoOf(nowSeconds - settings.leewaySeconds)}`, exp === undefined ? null : isoOf(exp));
  const nbf = claims['nbf'] as number | undefined;
  add('not-before', nbf === undefined || nbf <= nowSeconds + settings.leewaySeconds, `before ${isoOf(nowSeconds + settings.leewaySeconds)}`, nbf === undefined ? null : isoOf(nbf));
  add('application', claims[settings.clientIdClaim] === settings.clientId, settings.clientId, claims[settings.clientIdClaim] ?? null);
  add('tenant', claims[settings.tenantClaim] === settings.tenant, settings.tenant, claims[settings.tenantClaim] ?? null);
  return verdict(header, claims);
}

/** An ISO time for people; a NumericDate outside what Date can show is printed as the number. */
const isoOf = (seconds: number): string => {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
};

const CHECK_CODES: Record<string, RejectionCode> = {
  format: 'malformed', algorithm: 'alg_not_allowed', key: 'unknown_kid', signature: 'bad_signature', issuer: 'wrong_issuer',
  audience: 'wrong_audience', expiry: 'expired', 'not-before': 'not_yet_valid', application: 'wrong_application', tenant: 'wrong_tenant',
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
    case 'malformed': return `The token is malformed: ${String(failed.actual)}.`;
    case 'opaque_token': return `The token is not a JWT the backend can check: ${String(failed.actual)}.`;
    case 'alg_not_allowed': return `The token is signed with ${actual}; only ${settings.algorithms.join(', ')} is accepted.`;
    case 'unknown_kid': return `No key with kid ${actual} in ${settings.jwksUri}, even after refetching it.`;
    case 'bad_signature': return 'The signature does not verify with the published key.';
    case 'wrong_issuer': return `The issuer is ${actual}, expected ${JSON.stringify(settings.issuer)}.`;
    case 'wrong_audience': return `The audience is ${actual}, expected ${JSON.stringify(settings.audience)}.`;
    case 'id_token': return `This is an ID token for application ${settings.clientId}, not an access token for ${settings.audience}.`;
    case 'expired': return failed.actual === null ? 'The token has no exp claim.' : `The token expired at ${String(failed.actual)}.`;
    case 'not_yet_valid': return `The token is not valid before ${String(failed.actual)}.`;
    case 'wrong_application': return `The token was issued to application ${actual} (${settings.clientIdClaim}), not to ${settings.tenant}'s application ${settings.clientId}.`;
    case 'missing_tenant_claim': return `The token has no ${settings.tenantClaim} claim.`;
    case 'wrong_tenant': return `The token belongs to tenant ${tokenTenant === null ? actual : JSON.stringify(tokenTenant)}, not ${JSON.stringify(settings.tenant)}.`;
  }
}
