import { z } from 'zod';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** `tenant.json` as `verify-token` and tenant_auth.py read it (extra fields are allowed for forward compatibility). */
export const tenantSettingsSchema = z.object({
  schemaVersion: z.literal(1),
  tenant: z.string().min(1),
  issuer: z.string().min(1),
  jwksUri: z.string().url(),
  audience: z.string().min(1),
  clientId: z.string().min(1),
  clientIdClaim: z.enum(['azp', 'client_id']),
  tenantClaim: z.string().min(1),
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1),
  leewaySeconds: z.number().int().min(0).max(300),
});

export type VerifierSettings = z.infer<typeof tenantSettingsSchema>;
