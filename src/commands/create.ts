import { Command } from '@commander-js/extra-typings';
import { findTagged } from '../core/find-tagged.js';
import { isWrite } from '../core/plan.js';
import { checkApplicationLimit } from '../core/sync-plan.js';
import { provisionTenant, readCurrentState } from '../core/provision-tenants.js';
import { tenantSettings } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { renderSteps } from '../io/render-steps.js';
import { describeWrites, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';

export function createCommand(context: () => CommandContext) {
  return new Command('create')
    .description("give each tenant its own Auth0 application (tagged, granted the shared API) and emit the tenant's files")
    .argument('<tenant...>', 'tenant ids: lower-case letters, digits and hyphens')
    .option('--dry-run', 'print the plan (create, update or unchanged for each resource) and change nothing')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .action(async (tenantArgs, options) => {
      const ctx = context();
      const tenants = parseTenantIds(tenantArgs);
      const dryRun = Boolean(options.dryRun);
      const project = await openProject(ctx, options.config);
      const state = await readCurrentState(project.port, project.config);
      if (!dryRun) checkApplicationLimit(state, tenants.filter((t) => findTagged(state.clients, t).length === 0).length, 0, project.config.applicationLimit);
      const deps = { port: project.port, sleep: ctx.sleep, progress: (t: string) => ctx.out.message(ctx.out.color.dim(t)) };
      const results = [];
      for (const tenant of tenants) {
        const outcome = await provisionTenant(deps, project.config, state, tenant, dryRun);
        outcome.warnings.forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
        const files = !dryRun && outcome.clientId
          ? writeTenantFiles(project.outputDir, tenantSettings(project.config, tenant, outcome.clientId, state.api), project.config)
          : {};
        results.push({ ...outcome, files });
      }
      const human = results.map((r) => {
        const files = dryRun ? '' : `\n  ${describeWrites(r.files)} in ${project.config.outputDir.replace(/\/?$/, '/')}${r.tenant}/`;
        return `${r.tenant}${r.clientId ? ` (${r.clientId})` : ''}:\n${renderSteps(r.steps, ctx.out.color, dryRun)}${files}`;
      });
      ctx.out.result(
        { dryRun, changed: results.some((r) => r.steps.some(isWrite)), tenants: results },
        human.join('\n'),
      );
    });
}
