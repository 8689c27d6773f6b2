import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigration, StoppedError } from '../core/apply-migration.js';
import { migrationActionCodes, migrationSettings } from '../core/migration-organizations.js';
import { assertOrganizationNames } from '../core/organization-name.js';
import { countSteps, planMigration, planWrites, type MigrationPhase, type MigrationPlan, type SettingsFor } from '../core/plan-migration.js';
import { readMigrationState, type MigrationSnapshot } from '../core/read-migration-state.js';
import { assertScopes, MIGRATION_SCOPES, REQUIRED_SCOPES } from '../core/required-scopes.js';
import { TenantsError } from '../core/tenants-error.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import { loadConfig } from '../io/config-file.js';
import { renderMigrationPlan } from '../io/render-migration-plan.js';
import { renderMigrationResult } from '../io/render-migration-result.js';
import { readTemplate } from '../io/templates.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { assertFilesNotEdited, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { holdLease, releaseLease } from './hold-lease.js';
import type { MigrateToOrganizationsArgs } from './migrate.js';
import { parseOptions } from './parse-options.js';
import { announceTarget, openProject, type Project } from './project.js';
import { confirm } from './confirm.js';
import { OPTION_SCHEMAS } from './option-schemas.js';

/** `tenants migrate to-organizations`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runMigrateToOrganizations(context: () => CommandContext, ...[raw]: MigrateToOrganizationsArgs): Promise<void> {
  const ctx = context();
  const options = parseOptions(OPTION_SCHEMAS.migrate, raw);
  const phase: MigrationPhase = raw.finalize ? 'finalize' : 'dual';
  const loaded = loadConfig(ctx.cwd, raw.config);
  assertWritableDir(loaded.outputDir, `"outputDir" in ${loaded.path}`);
  const project = await openProject(ctx, loaded, { maxRps: options.maxRps, concurrency: options.concurrency });
  const codes = migrationActionCodes(project.config, readTemplate);
  const settingsFor: SettingsFor = (t, p, orgId, sharedId) => migrationSettings(project.config, snapshotApi(), t, p, orgId, sharedId);
  let snapshot: MigrationSnapshot | undefined;
  const snapshotApi = () => snapshot?.api;
  const read = async (reuse?: MigrationSnapshot) => {
    snapshot = await readMigrationState(
      {
        port: project.port,
        sleep: ctx.sleep,
        now: ctx.now,
        progress: (t) => ctx.out.message(ctx.out.color.dim(t)),
        readSettings: (tenant) => readJson(join(project.outputDir, tenant, 'tenant.json')),
        concurrency: options.concurrency,
      },
      project.config,
      codes,
      { phase, readUsers: true, reuse },
    );
    return snapshot;
  };
  let current = await read();
  const started = ctx.now();
  if (current.state.tenants.length === 0) {
    throw new TenantsError('usage', 'tenant_not_found', 'The project has no tenant to migrate (no application or organization of ours).', {
      hint: 'Create tenants first (tenants create <tenant>), or check AUTH0_DOMAIN and tenants.config.json.',
    });
  }
  // A tenant id is its organization's name: ids Auth0 cannot take as one (over 50 characters) are refused up front.
  assertOrganizationNames(current.state.tenants.map((t) => t.tenant));
  let plan = planMigration(current.state, phase, settingsFor);
  refuseIncomplete(plan);
  current.state.tenants.forEach((t) => assertFilesNotEdited(project.outputDir, t.tenant));
  if (raw.dryRun) {
    const doc = { dryRun: true, phase, steps: plan.steps, counts: countSteps(plan.steps) };
    ctx.out.result(doc, renderMigrationPlan(plan, ctx.out.color));
    return;
  }
  if (!planWrites(plan)) {
    const why =
      current.state.strategy === 'organizations'
        ? 'the project already uses organizations (migrated).'
        : phase === 'dual'
          ? 'the dual state is complete. Next: tenants migrate to-organizations --finalize'
          : 'the migration is complete.';
    ctx.out.result(summary(plan, [], project, started, ctx), `Nothing to do: ${why}`);
    return;
  }

  assertScopes(
    project.port.grantedScopes(),
    [...MIGRATION_SCOPES.dual, ...REQUIRED_SCOPES.lease, ...(phase === 'finalize' ? MIGRATION_SCOPES.finalize : [])],
    'migrate to-organizations',
  );
  if (phase === 'finalize') {
    const apps = plan.steps.filter((s) => s.resource === 'application' && s.action === 'delete').length;
    await confirm(
      ctx,
      Boolean(raw.yes),
      `--finalize deletes ${apps} per-tenant application(s) and makes every backend refuse their tokens.`,
      `Finalize the migration on ${project.config.domain}: switch the SPA settings to the shared application, delete ${apps} per-tenant application(s) and their grants, require organizations?`,
    );
  }
  announceTarget(ctx, project);
  const lease = await holdLease(ctx, project, 'migrate', raw.waitLock);
  try {
    // Another run may have moved on meanwhile: read and plan again under the lease.
    current = await read(current);
    plan = planMigration(current.state, phase, settingsFor);
    refuseIncomplete(plan);
    const stop = ctx.gracefulStop();
    stop.addEventListener('abort', () => ctx.out.message(`\nStopping: finishing ${project.pacer.active} request(s) in flight...`), { once: true });
    let done;
    try {
      done = await applyMigration(
        {
          port: project.port,
          sleep: ctx.sleep,
          now: ctx.now,
          progress: (t) => ctx.out.message(ctx.out.color.dim(t)),
          concurrency: options.concurrency,
          writeFiles: (settings) => Object.values(writeTenantFiles(project.outputDir, settings, project.config)).some((o) => o !== 'unchanged'),
          writeStrategy: () => writeStrategy(project.path),
          stopped: () => stop.aborted || project.pacer.tripped !== undefined,
        },
        project.config,
        current,
        plan,
        settingsFor,
      );
    } catch (error) {
      if (project.pacer.tripped) throw project.pacer.tripped;
      if (error instanceof StoppedError)
        throw new TenantsError('cancelled', 'interrupted', 'Stopped: requests in flight finished; re-run the same command to continue.');
      throw error;
    }
    await releaseLease(lease);
    const result = summary(plan, done, project, started, ctx, lease.requests);
    ctx.out.result(result, renderMigrationResult(result, ctx.out.color));
  } finally {
    await releaseLease(lease);
  }
}

function refuseIncomplete(plan: MigrationPlan): void {
  if (plan.incomplete.length === 0) return;
  throw new TenantsError('usage', 'migration_incomplete', `The dual state is not complete: ${plan.incomplete.join('; ')}. Nothing was changed.`, {
    hint: 'Run `tenants migrate to-organizations` (without --finalize) first; it brings every tenant to the dual state, then finalize.',
    details: { incomplete: plan.incomplete },
  });
}

function summary(plan: MigrationPlan, done: MigrationPlan['steps'], project: Project, started: number, ctx: CommandContext, leaseRequests?: number) {
  return {
    dryRun: false,
    phase: plan.phase,
    changed: done.length > 0,
    seconds: Math.round((ctx.now() - started) / 100) / 10,
    steps: done,
    counts: countSteps(done),
    requests: { ...project.pacer.stats.byMethod },
    rateLimited: project.pacer.stats.rateLimited,
    ...(leaseRequests === undefined ? {} : { lease: { requests: leaseRequests } }),
  };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `strategy: "organizations"` in tenants.config.json, every other key as it was. */
function writeStrategy(path: string): void {
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const { $schema, ...rest } = config;
  writeFileAtomic(path, `${JSON.stringify({ ...($schema === undefined ? {} : { $schema }), ...rest, strategy: 'organizations' }, null, 2)}\n`);
}
