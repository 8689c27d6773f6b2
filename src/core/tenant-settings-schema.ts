import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod's mini build carries no messages by default: English ones, as the rest of the CLI gives.
z.config(en());

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

const nonEmpty = () => z.string().check(z.minLength(1));
const common = {
  tenant: nonEmpty(),
  audience: nonEmpty(),
  clientIdClaim: z.enum(['azp', 'client_id']),
  tenantClaim: nonEmpty(),
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).check(z.minLength(1)),
  leewaySeconds: z.number().check(z.int(), z.minimum(0), z.maximum(300)),
};

/**
 * schemaVersion 1: one issuer and its key set, one application.
 * zod's mini build: these schemas are on the start-up path of `verify-token`, which must start fast.
 */
export const tenantSettingsV1Schema = z.object({
  schemaVersion: z.literal(1),
  tenant: common.tenant,
  issuer: nonEmpty(),
  jwksUri: z.url(),
  audience: common.audience,
  clientId: nonEmpty(),
  clientIdClaim: common.clientIdClaim,
  tenantClaim: common.tenantClaim,
  algorithms: common.algorithms,
  leewaySeconds: common.leewaySeconds,
});

/**
 * schemaVersion 2: the accepted issuers, each with its own key set (a custom domain issues its own `iss`),
 * the accepted applications, and the tenant's organization when tokens come through one: `org_id` must be its
 * id (`required: false` also accepts tokens without `org_id`, as a project in the middle of a migration does).
 */
export const tenantSettingsV2Schema = z.object({
  schemaVersion: z.literal(2),
  tenant: common.tenant,
  issuers: z.array(z.object({ issuer: nonEmpty(), jwksUri: z.url() })).check(z.minLength(1)),
  audience: common.audience,
  clientIds: z.array(nonEmpty()).check(z.minLength(1)),
  clientIdClaim: common.clientIdClaim,
  tenantClaim: common.tenantClaim,
  algorithms: common.algorithms,
  leewaySeconds: common.leewaySeconds,
  organization: z.optional(
    z.object({
      id: z.string().check(z.regex(/^org_[A-Za-z0-9]+$/, 'must be an organization id (org_...)')),
      name: z.optional(nonEmpty()),
      required: z._default(z.boolean(), true),
    }),
  ),
});

/** `tenant.json` as `verify-token`, the Node library and tenant_auth.py read it (extra fields are allowed for forward compatibility). */
export const tenantSettingsSchema = z.discriminatedUnion('schemaVersion', [tenantSettingsV1Schema, tenantSettingsV2Schema]);

export type VerifierSettings = z.input<typeof tenantSettingsSchema>;
export type TenantSettingsV1 = z.infer<typeof tenantSettingsV1Schema>;
export type TenantSettingsV2 = z.input<typeof tenantSettingsV2Schema>;

/** Both shapes as the checks use them. */
export interface ResolvedSettings {
  tenant: string;
  issuers: { issuer: string; jwksUri: string }[];
  /** schemaVersion 2 checks the issuer before choosing the key set; schemaVersion 1 keeps its original order. */
  issuerFirst: boolean;
  audience: string;
  clientIds: string[];
  clientIdClaim: 'azp' | 'client_id';
  tenantClaim: string;
  algorithms: readonly string[];
  leewaySeconds: number;
  organization: { id: string; required: boolean } | undefined;
}

export function resolveSettings(settings: VerifierSettings): ResolvedSettings {
  const shared = {
    tenant: settings.tenant,
    audience: settings.audience,
    clientIdClaim: settings.clientIdClaim,
    tenantClaim: settings.tenantClaim,
    algorithms: settings.algorithms,
    leewaySeconds: settings.leewaySeconds,
  };
  if (settings.schemaVersion === 1) {
    return {
      ...shared,
      issuers: [{ issuer: settings.issuer, jwksUri: settings.jwksUri }],
      issuerFirst: false,
      clientIds: [settings.clientId],
      organization: undefined,
    };
  }
  return {
    ...shared,
    issuers: settings.issuers,
    issuerFirst: true,
    clientIds: settings.clientIds,
    organization: settings.organization ? { id: settings.organization.id, required: settings.organization.required ?? true } : undefined,
  };
}
