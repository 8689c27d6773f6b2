import { z } from 'zod';
import { HINTS, type RejectionCode } from './verify-token.js';

/**
 * The shapes of every command's `--json` document (and of each `verify-token --batch` line), and of every error, as zod types; the JSON
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

/** A step of init's, delete's and the migration's plans (src/core/plan.ts). */
const step = z
  .object({
    resource: z.enum(['api', 'action', 'binding', 'application', 'organization', 'client-grant', 'files', 'users', 'members', 'config']),
    action: z.enum(['create', 'update', 'unchanged', 'delete', 'absent']),
    tenant: tenantId.optional(),
    changes: z.array(z.string()).optional(),
    id: z.string().optional(),
    detail: z.string().optional(),
  })
  .strict();
const writeOutcome = z.enum(['created', 'updated', 'unchanged']);

export const initSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.boolean(),
    changed: z.boolean(),
    /** The config file's path. */
    config: z.string(),
    /** The files written (none with --dry-run): name -> created, updated or unchanged. */
    files: z.record(z.string(), writeOutcome),
    steps: z.array(step),
  })
  .strict()
  .describe('`tenants init --json`: the shared resources, one step each (a plan with --dry-run).');

export const deleteSchema = z
  .object({ schemaVersion: version, dryRun: z.literal(true).optional(), tenant: tenantId, steps: z.array(step) })
  .strict()
  .describe(
    '`tenants delete --json`: what was deleted (users, the application or organization, files), one step each; with --dry-run (`dryRun: true`) the plan.',
  );

// A tenant's resource is named by `clientId` (strategy "applications") or `organizationId` ("organizations"). The
// per-tenant records of list, show and emit are open (additionalProperties): a strategy may add fields of its own.
const resourceIds = { clientId: z.string().optional(), organizationId: z.string().optional() };
export const listSchema = z
  .object({
    schemaVersion: version,
    tenants: z.array(z.looseObject({ tenant: tenantId, ...resourceIds, name: z.string(), duplicates: z.array(z.string()), filesEmitted: z.boolean() })),
  })
  .strict()
  .describe('`tenants list --json`: our tenants, sorted by id.');

/** What tenant.json holds (its own schemaVersion, 1 or 2). */
const settings = z.looseObject({ schemaVersion: z.union([z.literal(1), z.literal(2)]), tenant: tenantId, audience: z.string() });
const files = z.record(z.string(), z.object({ path: z.string(), exists: z.boolean() }).strict());
export const showSchema = z
  .union([
    z.looseObject({
      schemaVersion: version,
      tenant: tenantId,
      clientId: z.string(),
      name: z.string(),
      duplicates: z.array(z.string()),
      application: z.looseObject({
        appType: z.string().optional(),
        callbacks: z.array(z.string()),
        logoutUrls: z.array(z.string()),
        webOrigins: z.array(z.string()),
      }),
      clientGrant: z.union([z.object({ id: z.string(), audience: z.string() }).strict(), z.null(), z.literal('not required')]),
      settings,
      files,
    }),
    z.looseObject({
      schemaVersion: version,
      tenant: tenantId,
      organization: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string().nullable() }),
      /** The application every tenant logs in through (null: missing, run tenants init). */
      sharedApplication: z.string().nullable(),
      settings,
      files,
    }),
  ])
  .describe("`tenants show --json`: one tenant's application (or organization), client grant, tenant.json settings and files.");

export const emitSchema = z
  .object({
    schemaVersion: version,
    tenants: z.array(z.looseObject({ tenant: tenantId, ...resourceIds, files: z.record(z.string(), writeOutcome) })),
  })
  .strict()
  .describe("`tenants emit --json`: each tenant's files, written from Auth0's state.");

const from = z.string().nullable().describe('The tenant the user belonged to before (null: none).');
export const usersSchema = z
  .object({
    schemaVersion: version,
    tenant: tenantId,
    users: z.array(
      z
        .object({
          ref: z.string(),
          action: z.enum(['add', 'move', 'unchanged', 'remove', 'not_member', 'refused', 'not_found']),
          userId: z.string().optional(),
          email: z.string().optional(),
          from: from.optional(),
          /** The other tenants a moved user left (organizations: a user may be a member of several). */
          alsoFrom: z.array(z.string()).optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .describe('`tenants users add|remove --json`: what happened to each user named.');

export const usersListSchema = z
  .object({ schemaVersion: version, tenant: tenantId, users: z.array(z.object({ userId: z.string(), email: z.string().nullable() }).strict()) })
  .strict()
  .describe("`tenants users list --json`: the tenant's users (Auth0's user search, up to 1,000).");

export const usersInviteSchema = z
  .object({
    schemaVersion: version,
    tenant: tenantId,
    users: z.array(
      z
        .object({
          email: z.string(),
          userId: z.string().optional(),
          created: z.boolean(),
          action: z.enum(['add', 'move', 'unchanged', 'invited']),
          from,
          ticketUrl: z.string().optional().describe('applications: where the person sets a password (single use, valid 5 days).'),
          invitationUrl: z.string().optional().describe("organizations: the invitation link into the tenant's organization."),
          url: z.string().optional().describe('organizations: the same as invitationUrl.'),
          invitationId: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .describe('`tenants users invite --json`: each person, whether they were created, and their password link (or invitation link).');

const verdictFields = {
  schemaVersion: version,
  valid: z.boolean(),
  // The verifier's own codes (HINTS has one entry per RejectionCode), so the schema cannot fall behind them.
  code: z.enum(Object.keys(HINTS) as [RejectionCode, ...RejectionCode[]]).nullable(),
  message: z.string(),
  hint: z.string(),
  tenant: z.string(),
  tokenTenant: z.string().nullable(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean().nullable(), expected: z.unknown(), actual: z.unknown() }).strict()),
  header: z.record(z.string(), z.unknown()),
  claims: z.record(z.string(), z.unknown()),
};
export const verdictSchema = z
  .object(verdictFields)
  .strict()
  .describe('`tenants verify-token --json`: exactly one verdict, with every check (expected, actual).');
export const verdictLineSchema = z
  .object({ ...verdictFields, line: z.number().int().positive().describe("The token's line in stdin.") })
  .strict()
  .describe('`tenants verify-token --batch --json`: one verdict per line of output (NDJSON), for the token on `line` of stdin.');

const migrationCounts = z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int(), unchanged: z.number().int() }).strict();

export const migratePlanSchema = z
  .object({
    schemaVersion: version,
    dryRun: z.literal(true),
    phase: z.enum(['dual', 'finalize']),
    steps: z.array(step),
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
    steps: z.array(step),
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
  init: initSchema,
  delete: deleteSchema,
  list: listSchema,
  show: showSchema,
  emit: emitSchema,
  users: usersSchema,
  'users-list': usersListSchema,
  'users-invite': usersInviteSchema,
  verdict: verdictSchema,
  'verdict-line': verdictLineSchema,
  'migrate-plan': migratePlanSchema,
  'migrate-result': migrateResultSchema,
} as const;

/** The JSON Schema of each shape, by name (schemas/<name>.schema.json). */
export function outputJsonSchemas(): Record<keyof typeof OUTPUT_SCHEMAS, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(OUTPUT_SCHEMAS).map(([name, schema]) => [name, z.toJSONSchema(schema) as Record<string, unknown>])) as never;
}
