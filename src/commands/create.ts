import { Command } from '@commander-js/extra-typings';
import { checkApplicationSettings } from '../core/check-application-settings.js';
import { desiredApplication } from '../core/desired-state.js';
import { findTagged, foreignClaims, notOurs } from '../core/find-tagged.js';
import { isWrite } from '../core/plan.js';
import { checkApplicationLimit } from '../core/sync-plan.js';
import { provisionTenant, readCurrentState, type TenantOutcome } from '../core/provision-tenants.js';
import { assertScopes, REQUIRED_SCOPES } from '../core/required-scopes.js';
import { tenantSettings } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import { renderSteps } from '../io/render-steps.js';
import { assertFilesNotEdited, describeWrites, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject } from './project.js';
import { assertExitCodeUsage, exitIfPending } from '../core/changes-pending.js';
import { convergeCreated } from '../core/converge-created.js';
import { EXIT_CODES } from '../core/tenants-error.js';
import { formatOption, renderMarkdown } from '../io/render-markdown.js';
import { holdLease, releaseLease, waitLockOption } from './hold-lease.js';

export function createCommand(context: () => CommandContext) {
  return new Command('create')
    .description("give each tenant its own Auth0 application (marked as ours, granted the shared API) and emit the tenant's files")
    .argument('<tenant...>', 'tenant ids: lower-case letters, digits and hyphens')
    .option('--dry-run', 'print the plan (create, update or unchanged for each resource) and change nothing')
    .option('--adopt', 'take over an application that claims the tenant id without our ownership marker (it becomes ours)')
    .option('--allow-wildcards', 'accept wildcards in callbacks, logout URLs and web origins (with a warning)')
    .option('--force', 'overwrite emitted files that were edited by hand')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .option('--exit-code', `with --dry-run: exit ${EXIT_CODES.pending} when changes are pending, 0 when nothing would change`)
    .addOption(formatOption())
    .action(async (tenantArgs, options) => {
      const ctx = context();
      const tenants = parseTenantIds(tenantArgs);
      const dryRun = Boolean(options.dryRun);
      const project = await openProject(ctx, options.config);
      // Everything that can be refused is refused here, before the first write (and in --dry-run too).
      const warnings = tenants.flatMap((t) => checkApplicationSettings(desiredApplication(project.config, t), t, project.path, Boolean(options.allowWildcards)));
      assertWritableDir(project.outputDir, `"outputDir" in ${project.path}`);
      if (!options.force) tenants.forEach((t) => assertFilesNotEdited(project.outputDir, t));
      assertExitCodeUsage(options);
      let state = await readCurrentState(project.port, project.config);
      for (const tenant of tenants) {
        const foreign = findTagged(state.clients, tenant).length === 0 ? foreignClaims(state.clients, tenant) : [];
        if (foreign.length > 0 && !options.adopt) throw notOurs(tenant, foreign);
      }
      const newApps = tenants.filter((t) => findTagged(state.clients, t).length === 0 && foreignClaims(state.clients, t).length === 0).length;
      checkApplicationLimit(state, newApps, 0, project.config.applicationLimit);
      if (!dryRun) {
        assertScopes(project.port.grantedScopes(), [...REQUIRED_SCOPES.create, ...REQUIRED_SCOPES.lease], 'create');
        announceTarget(ctx, project);
      }
      warnings.forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
      const deps = { port: project.port, sleep: ctx.sleep, progress: (t: string) => ctx.out.message(ctx.out.color.dim(t)) };
      // A run with something to write holds the lease, then reads Auth0 again: another run may have written meanwhile.
      const planned = dryRun ? [] : await Promise.all(tenants.map((t) => provisionTenant(deps, project.config, state, t, true, Boolean(options.adopt))));
      const lease = planned.some((o) => o.steps.some(isWrite)) ? await holdLease(ctx, project, 'create', options.waitLock) : undefined;
      if (lease) state = await readCurrentState(project.port, project.config);
      const results: (TenantOutcome & { files: ReturnType<typeof writeTenantFiles> | Record<string, never> })[] = [];
      try {
      for (const tenant of tenants) {
        const outcome = await provisionTenant(deps, project.config, state, tenant, dryRun, Boolean(options.adopt));
        outcome.warnings.forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
        const files = !dryRun && outcome.clientId
          ? writeTenantFiles(project.outputDir, tenantSettings(project.config, tenant, outcome.clientId, state.api), project.config)
          : {};
        results.push({ ...outcome, files });
      }
      if (!dryRun) {
        await convergeCreated(deps, project.config, state, results.map((r) => ({ tenant: r.tenant, status: 'done', clientId: r.clientId, action: r.steps.some((s) => s.resource === 'application' && s.action === 'create') ? 'create' : 'unchanged', result: r })), (o) => {
          const r = (o as unknown as { result: (typeof results)[number] }).result;
          r.clientId = o.clientId;
          r.files = writeTenantFiles(project.outputDir, tenantSettings(project.config, r.tenant, o.clientId!, state.api), project.config);
        });
      }
      } finally {
        await releaseLease(lease);
      }
      const human = results.map((r) => {
        const files = dryRun ? '' : `\n  ${describeWrites(r.files)} in ${project.config.outputDir.replace(/\/?$/, '/')}${r.tenant}/`;
        return `${r.tenant}${r.clientId ? ` (${r.clientId})` : ''}:\n${renderSteps(r.steps, ctx.out.color, dryRun)}${files}`;
      });
      const document = { dryRun, changed: results.some((r) => r.steps.some(isWrite)), tenants: results };
      ctx.out.result(document, options.format === 'markdown' ? renderMarkdown('create', document) : human.join('\n'));
      if (dryRun) exitIfPending(options, document.changed);
    });
}
