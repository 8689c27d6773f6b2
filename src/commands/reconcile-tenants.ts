import { checkApplicationSettings } from '../core/check-application-settings.js';
import { desiredApplication } from '../core/desired-state.js';
import type { ManifestEntry } from '../core/manifest.js';
import type { CurrentState } from '../core/provision-tenants.js';
import { assertScopes, scopesFor } from '../core/required-scopes.js';
import { applySync, type SyncOutcome } from '../core/sync-apply.js';
import { checkApplicationLimit, planSync, type SyncItem } from '../core/sync-plan.js';
import { sharedApplicationOf } from '../core/organization-tenancy.js';
import type { TenancyState } from '../core/tenancy.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { TenantsError, usageError } from '../core/tenants-error.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import type { LoadedConfig } from '../io/config-file.js';
import { createProgress } from '../io/progress.js';
import { removeTenantFiles } from '../io/remove-tenant-files.js';
import { renderPlan, renderSummary, type TenantsSummary } from '../io/render-tenant-plan.js';
import { writeTenantOverrides } from '../io/tenant-overrides-file.js';
import { assertFilesNotEdited, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { assertExitCodeUsage, exitIfPending } from '../core/changes-pending.js';
import { convergeCreated } from '../core/converge-created.js';
import { renderMarkdown } from '../io/render-markdown.js';
import { holdLease, releaseLease } from './hold-lease.js';
import { announceTarget, openProject } from './project.js';

export interface ReconcileOptions {
  command: 'create' | 'sync';
  /** Where the per-tenant settings came from, for messages (the config, or the config and the manifest). */
  source: string;
  dryRun: boolean;
  prune: boolean;
  yes: boolean;
  deleteUsers: boolean;
  adopt: boolean;
  allowWildcards: boolean;
  force: boolean;
  pace: { maxRps: number; concurrency: number };
  applicationLimit: number | undefined;
  /** `--wait-lock <seconds>`: how long to wait for another run's lease. */
  waitLock?: number | undefined;
  /** `--exit-code` (with --dry-run): exit 10 when changes are pending. */
  exitCode?: boolean | undefined;
  /** `--format markdown`: the plan or result as markdown for a pull-request comment. */
  format?: string | undefined;
}

/**
 * The one engine behind `create` and `sync`: refuse bad input before anything is sent or written, read
 * Auth0 once, plan (data), then render the plan (--dry-run) or apply it and render the outcome. `create a b`
 * is a manifest of a and b without prune, with each tenant's recorded settings.
 */
export async function reconcileTenants(ctx: CommandContext, loaded: LoadedConfig, entries: ManifestEntry[], options: ReconcileOptions): Promise<void> {
  const tenancy = tenancyFor(loaded.config);
  const organizations = tenancy.strategy === 'organizations';
  tenancy.checkIds(entries.map((e) => e.tenant));
  // Organizations: one shared application, whose URLs come from tenants.config.json (checked by `init`).
  const warnings = organizations
    ? entries
        .filter((e) => e.callbacks || e.logoutUrls || e.webOrigins)
        .map(
          (e) =>
            `${e.tenant}: callbacks, logoutUrls and webOrigins of ${options.source} are not used with "strategy": "organizations" (the shared application's URLs come from tenants.config.json, {tenant} as {organization_name}).`,
        )
    : entries.flatMap((e) => checkApplicationSettings(desiredApplication(loaded.config, e.tenant, e), e.tenant, options.source, options.allowWildcards));
  assertWritableDir(loaded.outputDir, `"outputDir" in ${loaded.path}`);
  if (!options.force) entries.forEach((e) => assertFilesNotEdited(loaded.outputDir, e.tenant));
  const project = await openProject(ctx, loaded, options.pace);
  assertExitCodeUsage(options);
  let state: TenancyState = await tenancy.read(project.port, project.config, { forWrite: true });
  if (organizations) sharedApplicationOf(state, project.config); // made by `tenants init`: tenant.json names it
  let items = planSync(project.config, entries, state, { adopt: options.adopt });
  const absent = items.filter((i) => i.action === 'absent');
  const creates = items.filter((i) => i.action === 'create').length;
  if (!organizations) checkApplicationLimit(state, creates, options.prune ? absent.length : 0, options.applicationLimit ?? project.config.applicationLimit);
  [...warnings, ...items.flatMap((i) => i.warnings ?? [])].forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
  const listedOnly = options.command === 'create';
  const shown = listedOnly ? items.filter((i) => i.action !== 'absent') : items;
  if (options.dryRun) {
    const plan = { dryRun: true, prune: options.prune, items: shown.map((i) => publicIds(publicItem(i), organizations)), counts: countBy(shown) };
    ctx.out.result(plan, options.format === 'markdown' ? renderMarkdown(options.command, plan) : renderPlan(shown, options.prune, ctx.out.color));
    return exitIfPending(options, hasWork(shown, options.prune));
  }

  const pruning = options.prune && absent.length > 0;
  const REQUIRED_SCOPES = scopesFor(tenancy.strategy);
  assertScopes(
    project.port.grantedScopes(),
    [
      ...REQUIRED_SCOPES[options.command],
      ...REQUIRED_SCOPES.lease,
      ...(pruning ? REQUIRED_SCOPES.prune : []),
      ...(pruning && options.deleteUsers ? REQUIRED_SCOPES.deleteUsers : []),
    ],
    options.command,
  );
  if (pruning)
    await confirm(
      ctx,
      options.yes,
      `--prune would delete ${absent.length} tenant(s): ${absent.map((a) => a.tenant).join(', ')}.`,
      `Delete ${absent.length} tenant(s) not in the manifest (${absent.map((a) => a.tenant).join(', ')})?`,
    );

  announceTarget(ctx, project);
  // A run with something to write holds the lease, then reads Auth0 again: another run may have written meanwhile.
  const lease = hasWork(items, options.prune) ? await holdLease(ctx, project, options.command, options.waitLock) : undefined;
  if (lease) {
    // Never prune a tenant that was not in the plan confirmed above (another run may have made it meanwhile).
    const confirmed = new Set(absent.map((a) => a.tenant));
    state = await tenancy.read(project.port, project.config, { forWrite: true });
    items = planSync(project.config, entries, state, { adopt: options.adopt }).filter((i) => i.action !== 'absent' || confirmed.has(i.tenant));
  }
  try {
    const stop = ctx.gracefulStop();
    stop.addEventListener(
      'abort',
      () => ctx.out.message(`\nStopping: finishing ${project.pacer.active} request(s) in flight... (Ctrl-C again to quit at once)`),
      { once: true },
    );
    const unreachable = new AbortController();
    project.pacer.onTrip(() => unreachable.abort());
    const progress = createProgress(ctx.out.progressStream, options.command);
    const started = ctx.now();
    const byTenant = new Map(entries.map((e) => [e.tenant, e]));
    const writeFiles = (outcome: SyncOutcome) => {
      if (outcome.status !== 'done') return;
      if (outcome.action === 'delete') return removeTenantFiles(project.outputDir, outcome.tenant);
      if (!outcome.clientId) return;
      const resource = { id: outcome.clientId, name: outcome.tenant, current: {} };
      outcome.files = writeTenantFiles(project.outputDir, tenancy.settings(project.config, outcome.tenant, resource, state), project.config);
      const { tenant: _tenant, ...overrides } = byTenant.get(outcome.tenant) ?? { tenant: outcome.tenant };
      writeTenantOverrides(project.outputDir, outcome.tenant, overrides);
    };
    const outcomes = await applySync(
      {
        port: project.port,
        sleep: ctx.sleep,
        stopSignal: AbortSignal.any([stop, unreachable.signal]),
        releaseUsers: (tenant, resource) =>
          tenancy.members.release({ port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => progress.note(t) }, tenant, resource, {
            deleteUsers: options.deleteUsers,
          }),
        onProgress: (d, t, f) => progress.update(d, t, f),
        onSettled: writeFiles,
      },
      project.config,
      items,
      state,
      { prune: options.prune, concurrency: options.pace.concurrency },
    );
    progress.end();
    // Duplicates a concurrent run made despite the lease (expired, bypassed) converge to the same survivor in every run.
    // (Organizations cannot be duplicated: Auth0 refuses a second organization of the same name with 409.)
    const convergence =
      stop.aborted || project.pacer.tripped || organizations
        ? undefined
        : await convergeCreated({ port: project.port, sleep: ctx.sleep }, project.config, state as CurrentState, outcomes, (o) => writeFiles(o as SyncOutcome));
    await releaseLease(lease); // every write is done: the summary below counts the lease's delete

    const tenants = listedOnly ? outcomes.filter((o) => byTenant.has(o.tenant)) : outcomes;
    const counts = countOutcomes(tenants, absent.length, options.prune || listedOnly);
    const summary: TenantsSummary = {
      dryRun: false,
      changed:
        counts['created']! + counts['updated']! + counts['deleted']! > 0 || tenants.some((o) => Object.values(o.files ?? {}).some((f) => f !== 'unchanged')),
      seconds: Math.round((ctx.now() - started) / 100) / 10,
      counts,
      requests: { ...project.pacer.stats.byMethod },
      rateLimited: project.pacer.stats.rateLimited,
      ...(lease ? { lease: { requests: lease.requests, waitedSeconds: Math.round(lease.waitedMs / 100) / 10 } } : {}),
      ...(convergence ? { convergence: { requests: convergence.requests, removed: convergence.removed } } : {}),
      tenants: tenants.map((t) => publicIds(t, organizations)),
      ...(options.prune || listedOnly ? {} : { absent: absent.map((a) => a.tenant) }),
    };
    ctx.out.result(
      summary,
      options.format === 'markdown'
        ? renderMarkdown(options.command, summary as unknown as Record<string, unknown>)
        : renderSummary(summary, project.config.outputDir, ctx.out.color),
    );
    if (project.pacer.tripped) throw project.pacer.tripped;
    if (stop.aborted)
      throw new TenantsError('cancelled', 'interrupted', 'Stopped: requests in flight finished; re-run to continue.', { alreadyReported: true });
    const failed = tenants.filter((o) => o.status === 'failed');
    if (failed.length > 0) {
      throw new TenantsError(
        'auth0',
        `${options.command}_incomplete`,
        `${failed.length} tenant(s) failed: ${failed.map((f) => f.tenant).join(', ')}. Re-run to converge.`,
      );
    }
  } finally {
    await releaseLease(lease);
  }
}

/** Whether applying the plan would send a write (and so takes the lease). */
const hasWork = (items: SyncItem[], prune: boolean): boolean =>
  items.some((i) => i.action === 'create' || i.action === 'update' || i.grantMissing || (i.action === 'absent' && prune));

/** The one confirmation of a destructive step: --yes, or a prompt on a terminal; refused (exit 2) otherwise. */
export async function confirm(ctx: CommandContext, yes: boolean, what: string, question: string): Promise<void> {
  if (yes) return;
  if (!ctx.interactive) throw usageError('confirmation_required', what, 'Add --yes to confirm.');
  const ok = await ctx.prompter.confirm({ message: question, default: false });
  if (!ok) throw new TenantsError('cancelled', 'cancelled', 'Nothing was changed.');
}

/** Under the organizations strategy a tenant's resource is an organization: its id is reported as `organizationId`. */
function publicIds<T extends { clientId?: string | undefined }>(item: T, organizations: boolean): T {
  if (!organizations || item.clientId === undefined) return item;
  const { clientId, ...rest } = item;
  return { ...rest, organizationId: clientId } as unknown as T;
}

/** A plan item without the request body it would send. */
const publicItem = ({ desired: _desired, warnings: _warnings, ...item }: SyncItem) => item;

export function countBy(items: SyncItem[]): Record<string, number> {
  const counts: Record<string, number> = { create: 0, update: 0, unchanged: 0, absent: 0 };
  for (const i of items) counts[i.action] = (counts[i.action] ?? 0) + 1;
  return counts;
}

function countOutcomes(outcomes: SyncOutcome[], absent: number, noAbsent: boolean): Record<string, number> {
  const done = (action: string) => outcomes.filter((o) => o.action === action && o.status === 'done').length;
  return {
    created: done('create'),
    updated: done('update'),
    unchanged: done('unchanged'),
    deleted: done('delete'),
    absent: noAbsent ? 0 : absent,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
  };
}
