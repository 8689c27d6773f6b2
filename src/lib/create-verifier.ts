/**
 * `auth0-tenants/verify`: the verifier of `tenants verify-token` and tenant_auth.py for Node backends.
 *
 *   import { createVerifier } from 'auth0-tenants/verify';
 *   const verifier = createVerifier('tenants/acme/tenant.json');
 *   const verdict = await verifier.verify(request.headers.authorization ?? '');
 *   if (!verdict.valid) ... verdict.code ...
 *
 * Verdicts carry the same codes as `verify-token` and tenant_auth.py (README, "Token checks").
 */
import { describeZodError } from '../core/describe-zod-error.js';
import { tenantSettingsSchema, type VerifierSettings } from '../core/tenant-settings-schema.js';
import { TenantsError } from '../core/tenants-error.js';
import { verifyToken, type Check, type KeySource, type RejectionCode, type Verdict } from '../core/verify-token.js';
import { jwksSource } from '../io/jwks-source.js';
import { readTenantSettings } from '../io/tenant-settings-file.js';

export type { Check, KeySource, RejectionCode, Verdict, VerifierSettings };
export { TenantsError };

export interface VerifierOptions {
  /** A JWKS file or URL instead of the settings' jwksUri. */
  jwks?: string;
  /** Fetch the key set again after this long (default 10 minutes). */
  keySetMaxAgeSeconds?: number;
  /** At most one refetch on an unknown kid per this long (default 30 s): a flood of forged kids costs one fetch. */
  refreshCooldownSeconds?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface Verifier {
  readonly settings: VerifierSettings;
  /**
   * The verdict on a token (a leading "Bearer " is removed). Resolves for every token; rejects only with a
   * TenantsError of code `jwks_unreachable` when the key set cannot be had (answer 503, not 401).
   */
  verify(token: string, options?: { at?: Date }): Promise<Verdict>;
}

/** A verifier for one tenant: `settings` is the parsed tenant.json, or its path. */
export function createVerifier(settings: VerifierSettings | string, options: VerifierOptions = {}): Verifier {
  const checked = typeof settings === 'string' ? readTenantSettings(settings) : parseSettings(settings);
  const now = options.now ?? Date.now;
  const keys: KeySource = jwksSource(options.jwks ?? checked.jwksUri, {
    maxAgeMs: (options.keySetMaxAgeSeconds ?? 600) * 1000,
    refreshCooldownMs: (options.refreshCooldownSeconds ?? 30) * 1000,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    settings: checked,
    verify: (token, verifyOptions) => verifyToken(typeof token === 'string' ? token : '', checked, keys, (verifyOptions?.at?.getTime() ?? now()) / 1000),
  };
}

function parseSettings(value: unknown): VerifierSettings {
  const parsed = tenantSettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, problem } = describeZodError(parsed.error);
  throw new TenantsError('usage', 'settings_invalid', `tenant settings: field "${field}" ${problem}.`, {
    hint: 'Pass the tenant.json that `tenants emit <tenant>` wrote.',
  });
}
