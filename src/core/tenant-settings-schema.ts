import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod's mini build carries no messages by default: English ones, as the rest of the CLI gives.
z.config(en());

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/**
 * `tenant.json` as `verify-token` and tenant_auth.py read it (extra fields are allowed for forward compatibility).
 * zod's mini build: this schema is on the start-up path of `verify-token`, which must start fast.
 */
export const tenantSettingsSchema = z.object({
  schemaVersion: z.literal(1),
  tenant: z.string().check(z.minLength(1)),
  issuer: z.string().check(z.minLength(1)),
  jwksUri: z.url(),
  audience: z.string().check(z.minLength(1)),
  clientId: z.string().check(z.minLength(1)),
  clientIdClaim: z.enum(['azp', 'client_id']),
  tenantClaim: z.string().check(z.minLength(1)),
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).check(z.minLength(1)),
  leewaySeconds: z.number().check(z.int(), z.minimum(0), z.maximum(300)),
});

export type VerifierSettings = z.infer<typeof tenantSettingsSchema>;
