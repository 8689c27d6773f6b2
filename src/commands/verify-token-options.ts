import * as z from 'zod/mini';
import { globalRegistry } from 'zod/v4/core';
import { TENANT_ID_PATTERN } from '../core/tenant-id.js';

const fix = (description: string) => [globalRegistry, { description }] as const;

/**
 * `verify-token`'s options (OPTION_SCHEMAS.verifyToken): zod's mini build, as tenant.json's schema, so that offline
 * verification loads neither full zod nor the project config (see README's start-up figures).
 */
export const verifyTokenOptions = z.object({
  tenant: z
    .optional(z.string().check(z.regex(TENANT_ID_PATTERN, 'not a tenant id')))
    .register(...fix('Give a tenant id such as acme (lower-case letters, digits, inner hyphens).')),
  config: z.optional(z.string().check(z.refine((v) => v.trim() !== '', "give the tenant.json's path"))).register(...fix("Give the tenant.json's path.")),
  jwks: z
    .optional(
      z.string().check(z.refine((v) => v.trim() !== '' && (!/^[a-z][a-z0-9+.-]*:/i.test(v) || /^https?:\/\//i.test(v)), 'expected a file or an http(s) URL')),
    )
    .register(...fix('Give a key set file (e.g. --jwks jwks.json) or its https URL.')),
  at: z
    .optional(z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO time')))
    .register(...fix('Give an ISO time such as 2026-11-28T12:00:00Z.')),
  batch: z.optional(z.boolean()),
});
