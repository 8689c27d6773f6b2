import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tenantNotFound } from '../core/find-tagged.js';
import { TENANT_FILES } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { renderTenantView } from '../io/render-tenant-view.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { ShowArgs } from './show.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants show`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runShow(context: () => CommandContext, ...[tenantArg, options]: ShowArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.show, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const project = await openProject(ctx, options.config);
  const tenancy = tenancyFor(project.config);
  tenancy.checkIds([tenant]);
  const state = await tenancy.read(project.port, project.config);
  const resources = tenancy.owned(state).get(tenant);
  if (!resources) throw tenantNotFound([tenant], tenancy.resourceKind);
  const settings = tenancy.settings(project.config, tenant, resources[0]!, state);
  const files = Object.fromEntries(
    TENANT_FILES.map((f) => {
      const path = join(project.outputDir, tenant, f);
      return [f, { path, exists: existsSync(path) }];
    }),
  );
  const described = tenancy.describe(project.config, tenant, resources, state);
  const view = { tenant, ...described, settings, files };
  ctx.out.result(view, renderTenantView({ tenant, described, settings, files }, tenancy.strategy, ctx.out.color));
}
