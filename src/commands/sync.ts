import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { z } from 'zod';
import { formatOf, parseManifest } from '../core/manifest.js';
import { readCurrentState } from '../core/provision-tenants.js';
import { applySync, type SyncOutcome } from '../core/sync-apply.js';
import { checkApplicationLimit, planSync, type SyncItem } from '../core/sync-plan.js';
import { tenantSettings } from '../core/tenant-files.js';
import { TenantsError, usageError } from '../core/tenants-error.js';
import { loadConfig } from '../io/config-file.js';
import { createProgress } from '../io/progress.js';
import { removeTenantFiles } from '../io/remove-tenant-files.js';
import { renderTable } from '../io/render-table.js';
import { assertFilesNotEdited, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject } from './project.js';
import { checkApplicationSettings } from '../core/check-application-settings.js';
import { desiredApplication } from '../core/desired-state.js';
import { assertScopes, REQUIRED_SCOPES } from '../core/required-scopes.js';
import { releaseTenantUsers } from '../core/tenant-users.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import { parseOptions } from './parse-options.js';
import { convergeCreated } from '../core/converge-created.js';
import { EXIT_CODES } from '../core/tenants-error.js';
import { assertExitCodeUsage, exitIfPending } from '../core/changes-pending.js';
import { formatOption, renderMarkdown } from '../io/render-markdown.js';
import { holdLease, releaseLease, waitLockOption } from './hold-lease.js';

/** Safe for every Auth0 plan's published Management API limits (about 2 requests/s on free tenants). */
export const DEFAULT_MAX_RPS = 2;

const schema = z.object({
  maxRps: z.coerce.number().positive().max(1000),
  concurrency: z.coerce.number().int().min(1).max(64),
  applicationLimit: z.coerce.number().int().positive().optional(),
});

export function syncCommand(context: () => CommandContext) {
  return new Command('sync')
    .description('make Auth0 match a manifest of tenants (YAML, JSON or CSV): create what is missing, repair what drifted')
    .argument('<manifest>', 'the manifest file')
    .option('--dry-run', 'print the diff (create, update, unchanged, absent) and change nothing')
    .option('--prune', "delete our tenants that are not in the manifest (their users are detached first, as by `delete`)")
    .option('--yes', 'do not ask before pruning (required without a terminal)')
    .option('--delete-users', "with --prune: delete pruned tenants' users instead of detaching them")
    .option('--allow-wildcards', 'accept wildcards in callbacks, logout URLs and web origins (with a warning)')
    .option('--force', 'overwrite emitted files that were edited by hand')
    .option('--max-rps <n>', 'Management API requests per second at most', String(DEFAULT_MAX_RPS))
    .option('--concurrency <n>', 'requests in flight at most', '8')
    .option('--application-limit <n>', "your plan's application limit (default: applicationLimit in the config)")
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .option('--exit-code', `with --dry-run: exit ${EXIT_CODES.pending} when changes are pending, 0 when nothing would change`)
    .addOption(formatOption())
    .action(async (manifestPath, raw) => {
      const ctx = context();
      const options = parseOptions(schema, raw);
      const loaded = loadConfig(ctx.cwd, raw.config);
      const entries = parseManifest(readManifest(resolve(ctx.cwd, manifestPath)), formatOf(manifestPath));
      // Refused before anything is sent or written, in --dry-run too.
      const warnings = entries.flatMap((e) => checkApplicationSettings(desiredApplication(loaded.config, e.tenant, e), e.tenant, `${loaded.path} or ${manifestPath}`, Boolean(raw.allowWildcards)));
      assertWritableDir(loaded.outputDir, `"outputDir" in ${loaded.path}`);
      if (!raw.force) entries.forEach((e) => assertFilesNotEdited(loaded.outputDir, e.tenant));
      const project = await openProject(ctx, loaded, { maxRps: options.maxRps, concurrency: options.concurrency });
      let state = await readCurrentState(project.port, project.config);
      let items = planSync(project.config, entries, state);
      const absent = items.filter((i) => i.action === 'absent');
      const creates = items.filter((i) => i.action === 'create').length;
      checkApplicationLimit(state, creates, raw.prune ? absent.length : 0, options.applicationLimit ?? project.config.applicationLimit);
      warnings.forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
      assertExitCodeUsage(raw);
      if (raw.dryRun) {
        const plan = { dryRun: true, prune: Boolean(raw.prune), items: items.map(publicItem), counts: countBy(items) };
        ctx.out.result(plan, raw.format === 'markdown' ? renderMarkdown('sync', plan) : renderPlan(items, Boolean(raw.prune)));
        return exitIfPending(raw, hasWork(items, Boolean(raw.prune)));
      }

      const pruning = Boolean(raw.prune) && absent.length > 0;
      assertScopes(project.port.grantedScopes(), [...REQUIRED_SCOPES.sync, ...REQUIRED_SCOPES.lease, ...(pruning ? REQUIRED_SCOPES.prune : []), ...(pruning && raw.deleteUsers ? REQUIRED_SCOPES.deleteUsers : [])], 'sync');
      if (raw.prune && absent.length > 0 && !raw.yes) {
        if (!ctx.interactive) throw usageError('confirmation_required', `--prune would delete ${absent.length} tenant(s): ${absent.map((a) => a.tenant).join(', ')}.`, 'Add --yes to confirm.');
        const ok = await ctx.prompter.confirm({ message: `Delete ${absent.length} tenant(s) not in the manifest (${absent.map((a) => a.tenant).join(', ')})?` });
        if (!ok) throw new TenantsError('cancelled', 'cancelled', 'Nothing was changed.');
      }

      announceTarget(ctx, project);
      // A run with something to write holds the lease, then reads Auth0 again: another run may have written meanwhile.
      const lease = hasWork(items, Boolean(raw.prune)) ? await holdLease(ctx, project, 'sync', raw.waitLock) : undefined;
      if (lease) items = planSync(project.config, entries, (state = await readCurrentState(project.port, project.config)));
      try {
      const stop = ctx.gracefulStop();
      stop.addEventListener('abort', () => ctx.out.message(`\nStopping: finishing ${project.pacer.active} request(s) in flight... (Ctrl-C again to quit at once)`), { once: true });
      const unreachable = new AbortController();
      project.pacer.onTrip(() => unreachable.abort());
      const progress = createProgress(process.stderr, 'sync');
      const started = ctx.now();
      const outcomes = await applySync({
        port: project.port, sleep: ctx.sleep, stopSignal: AbortSignal.any([stop, unreachable.signal]),
        releaseUsers: (tenant) => releaseTenantUsers({ port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => progress.note(t) }, tenant, { deleteUsers: Boolean(raw.deleteUsers) }),
        onProgress: (d, t, f) => progress.update(d, t, f),
        onSettled: (outcome) => emitFiles(project.outputDir, outcome, () => writeTenantFiles(project.outputDir, tenantSettings(project.config, outcome.tenant, outcome.clientId!, state.api), project.config)),
      }, project.config, items, state, { prune: Boolean(raw.prune), concurrency: options.concurrency });
      progress.end();
      const writeFiles = (o: SyncOutcome) => emitFiles(project.outputDir, o, () => writeTenantFiles(project.outputDir, tenantSettings(project.config, o.tenant, o.clientId!, state.api), project.config));
      const convergence = stop.aborted || project.pacer.tripped ? undefined : await convergeCreated({ port: project.port, sleep: ctx.sleep }, project.config, state, outcomes, (o) => writeFiles(o as SyncOutcome));

      const summary = {
        dryRun: false,
        seconds: Math.round((ctx.now() - started) / 100) / 10,
        counts: countOutcomes(outcomes, absent.length, Boolean(raw.prune)),
        requests: { ...project.pacer.stats.byMethod },
        rateLimited: project.pacer.stats.rateLimited,
        ...(lease ? { lease: { requests: lease.requests, waitedSeconds: Math.round(lease.waitedMs / 100) / 10 } } : {}),
        ...(convergence ? { convergence: { requests: convergence.requests, removed: convergence.removed } } : {}),
        tenants: outcomes,
        ...(raw.prune ? {} : { absent: absent.map((a) => a.tenant) }),
      };
      ctx.out.result(summary, raw.format === 'markdown' ? renderMarkdown('sync', summary) : renderSummary(summary, outcomes));
      if (project.pacer.tripped) throw project.pacer.tripped;
      if (stop.aborted) throw new TenantsError('cancelled', 'interrupted', 'Stopped: requests in flight finished; re-run to continue.', { alreadyReported: true });
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (failed.length > 0) {
        throw new TenantsError('auth0', 'sync_incomplete', `${failed.length} tenant(s) failed: ${failed.map((f) => f.tenant).join(', ')}. Re-run to converge.`);
      }
      } finally {
        await releaseLease(lease);
      }
    });
}

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError('manifest_missing', `Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Give the path of a YAML, JSON or CSV manifest.');
  }
}

function emitFiles(outputDir: string, outcome: SyncOutcome, write: () => void): void {
  if (outcome.status !== 'done') return;
  if (outcome.action === 'delete') return removeTenantFiles(outputDir, outcome.tenant);
  if (outcome.clientId) write();
}

/** A plan item without the request body it would send. */
const publicItem = ({ desired: _desired, ...item }: SyncItem) => item;

/** Whether applying the plan would send a write. */
const hasWork = (items: SyncItem[], prune: boolean): boolean =>
  items.some((i) => i.action === 'create' || i.action === 'update' || i.grantMissing || (i.action === 'absent' && prune));

function countBy(items: SyncItem[]): Record<string, number> {
  const counts: Record<string, number> = { create: 0, update: 0, unchanged: 0, absent: 0 };
  for (const i of items) counts[i.action] = (counts[i.action] ?? 0) + 1;
  return counts;
}

function countOutcomes(outcomes: SyncOutcome[], absent: number, prune: boolean): Record<string, number> {
  const done = (action: string) => outcomes.filter((o) => o.action === action && o.status === 'done').length;
  return {
    created: done('create'), updated: done('update'), unchanged: done('unchanged'), deleted: done('delete'),
    absent: prune ? 0 : absent,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
  };
}

function renderPlan(items: SyncItem[], prune: boolean): string {
  const sign = { create: '+', update: '~', unchanged: '=', absent: prune ? '-' : '?' } as const;
  const lines = items.map((i) => `  ${sign[i.action]} ${i.tenant} (${i.action === 'absent' ? (prune ? 'would delete: not in the manifest' : 'not in the manifest; --prune deletes it') : `${i.action === 'unchanged' ? 'unchanged' : `would ${i.action}`}${i.changes ? `: ${i.changes.join(', ')}` : ''}`}${i.grantMissing && i.action !== 'create' ? ', client grant missing' : ''}${i.duplicates ? `, ${i.duplicates.length} duplicate application(s) to delete: ${i.duplicates.join(', ')}` : ''})`);
  const c = countBy(items);
  return [`Plan: ${c['create']} to create, ${c['update']} to update, ${c['unchanged']} unchanged, ${c['absent']} not in the manifest.`, ...lines].join('\n');
}

function renderSummary(summary: { seconds: number; counts: Record<string, number>; requests: Record<string, number>; rateLimited: number }, outcomes: SyncOutcome[]): string {
  const rows = Object.entries(summary.counts).filter(([, n]) => n > 0).map(([k, n]) => [k, String(n)]);
  // Identical errors are grouped: one line per distinct error, with a count and the tenants it hit.
  const groups = new Map<string, string[]>();
  for (const o of outcomes.filter((x) => x.status === 'failed')) {
    const key = `[${o.error?.code}] ${o.error?.message}`;
    groups.set(key, [...(groups.get(key) ?? []), o.tenant]);
  }
  const failed = [...groups].map(([key, tenants]) => `  ${tenants.length > 1 ? `${tenants.length} × ` : `${tenants[0]}: `}${key}${tenants.length > 1 ? ` (${tenants.slice(0, 5).join(', ')}${tenants.length > 5 ? ', ...' : ''})` : ''}`);
  const requests = Object.entries(summary.requests).map(([m, n]) => `${m} ${n}`).join(', ') || 'none';
  return [
    renderTable(['RESULT', 'TENANTS'], rows.length ? rows : [['unchanged', '0']]),
    `Management API requests: ${requests}; ${summary.rateLimited} rate-limited answers absorbed; ${summary.seconds} s.`,
    ...(failed.length ? ['Failed (re-run to converge):', ...failed] : []),
  ].join('\n');
}
