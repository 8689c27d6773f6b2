import { z } from 'zod';

/**
 * The shapes of the `--json` documents of create, sync and doctor, and of every error, as zod types; the JSON
 * Schemas in schemas/ are generated from them (`npm run schemas`; a test keeps them in step and checks real
 * outputs against them). Every document carries `schemaVersion`.
 */
const version = z.literal(1);
const tenantId = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);

export const planSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.literal(true),
    prune: z.boolean(),
    items: z.array(
      z
        .object({
          tenant: tenantId,
          action: z.enum(['create', 'update', 'unchanged', 'absent']),
          clientId: z.string().optional(),
          /** The tenant's organization (strategy "organizations"), instead of clientId. */
          organizationId: z.string().optional(),
          changes: z.array(z.string()).optional(),
          grantMissing: z.boolean(),
          /** Our other applications for the tenant (concurrent runs made them): deleted when applied. */
          duplicates: z.array(z.string()).optional(),
        })
        .strict(),
    ),
    counts: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), absent: z.number().int() }).strict(),
  })
  .strict()
  .describe('`tenants create|sync --dry-run --json`: the plan, one item per tenant.');

export const resultSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.literal(false),
    changed: z.boolean(),
    seconds: z.number(),
    counts: z
      .object({
        created: z.number().int(),
        updated: z.number().int(),
        unchanged: z.number().int(),
        deleted: z.number().int(),
        absent: z.number().int(),
        failed: z.number().int(),
        skipped: z.number().int(),
      })
      .strict(),
    requests: z.record(z.string(), z.number().int()),
    rateLimited: z.number().int(),
    /** The run's lease in Auth0, when it wrote anything: requests spent on it, and how long it waited for another run. */
    lease: z.object({ requests: z.number().int(), waitedSeconds: z.number() }).strict().optional(),
    /** The listing after the run's creates, and the copies of its own it deleted because an older one existed. */
    convergence: z.object({ requests: z.number().int(), removed: z.number().int() }).strict().optional(),
    tenants: z.array(
      z
        .object({
          tenant: tenantId,
          action: z.enum(['create', 'update', 'unchanged', 'delete']),
          status: z.enum(['done', 'failed', 'skipped']),
          clientId: z.string().optional(),
          /** The tenant's organization (strategy "organizations"), instead of clientId. */
          organizationId: z.string().optional(),
          changes: z.array(z.string()).optional(),
          files: z.record(z.string(), z.enum(['created', 'updated', 'unchanged'])).optional(),
          error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
        })
        .strict(),
    ),
    absent: z.array(tenantId).optional(),
  })
  .strict()
  .describe('`tenants create|sync --json`: what was done, per tenant.');

export const doctorSchema = z
  .object({
    schemaVersion: version,
    healthy: z.boolean(),
    findings: z.array(
      z
        .object({
          code: z.string(),
          severity: z.enum(['error', 'warning', 'info']),
          message: z.string(),
          fix: z.string(),
          tenant: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .describe('`tenants doctor --json`: every finding with the command that fixes it.');

export const errorSchema = z
  .object({
    schemaVersion: version,
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }).strict(),
  })
  .strict()
  .describe('Any command with --json that fails: the error, with its catalogued code.');

const migrationStep = z
  .object({
    resource: z.enum(['api', 'action', 'binding', 'application', 'client-grant', 'files', 'users', 'organization', 'members', 'config']),
    action: z.enum(['create', 'update', 'unchanged', 'delete', 'absent']),
    tenant: tenantId.optional(),
    changes: z.array(z.string()).optional(),
    id: z.string().optional(),
    detail: z.string().optional(),
  })
  .strict();
const migrationCounts = z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int(), unchanged: z.number().int() }).strict();

export const migratePlanSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.literal(true),
    phase: z.enum(['dual', 'finalize']),
    steps: z.array(migrationStep),
    counts: migrationCounts,
  })
  .strict()
  .describe('`tenants migrate to-organizations --dry-run --json`: the plan of the phase, one step per resource.');

export const migrateResultSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.literal(false),
    phase: z.enum(['dual', 'finalize']),
    changed: z.boolean(),
    seconds: z.number(),
    steps: z.array(migrationStep),
    counts: migrationCounts,
    requests: z.record(z.string(), z.number().int()),
    rateLimited: z.number().int(),
    /** The run's lease in Auth0, when it wrote anything: requests spent on it. */
    lease: z.object({ requests: z.number().int() }).strict().optional(),
  })
  .strict()
  .describe('`tenants migrate to-organizations --json`: the steps done.');

export const OUTPUT_SCHEMAS = {
  plan: planSchema,
  result: resultSchema,
  doctor: doctorSchema,
  error: errorSchema,
  'migrate-plan': migratePlanSchema,
  'migrate-result': migrateResultSchema,
} as const;

/** The JSON Schema of each shape, by name (schemas/<name>.schema.json). */
export function outputJsonSchemas(): Record<keyof typeof OUTPUT_SCHEMAS, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(OUTPUT_SCHEMAS).map(([name, schema]) => [name, z.toJSONSchema(schema) as Record<string, unknown>])) as never;
}
