import { tenantNotFound } from '../core/find-tagged.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { usageError } from '../core/tenants-error.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import { assertFilesNotEdited, describeWrites, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { EmitArgs } from './emit.js';

/** `tenants emit`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runEmit(context: () => CommandContext, ...[tenantArgs, options]: EmitArgs): Promise<void> {
  const ctx = context();
  if (options.all && tenantArgs.length > 0) throw usageError('invalid_arguments', 'Give tenant ids or --all, not both.');
  const named = options.all ? [] : parseTenantIds(tenantArgs);
  const project = await openProject(ctx, options.config);
  const tenancy = tenancyFor(project.config);
  tenancy.checkIds(named);
  const state = await tenancy.read(project.port, project.config);
  const owned = tenancy.owned(state);
  const tenants = options.all ? [...owned.keys()].sort() : named;
  const missing = tenants.filter((t) => !owned.has(t));
  if (missing.length > 0) {
    throw tenantNotFound(missing, tenancy.resourceKind);
  }
  assertWritableDir(project.outputDir, `"outputDir" in ${project.path}`);
  if (!options.force) tenants.forEach((t) => assertFilesNotEdited(project.outputDir, t));
  const results = tenants.map((tenant) => {
    const resource = owned.get(tenant)![0]!;
    const id = tenancy.strategy === 'organizations' ? { organizationId: resource.id } : { clientId: resource.id };
    return { tenant, ...id, files: writeTenantFiles(project.outputDir, tenancy.settings(project.config, tenant, resource, state), project.config) };
  });
  ctx.out.result({ tenants: results }, results.map((r) => `${r.tenant}: ${describeWrites(r.files)}`).join('\n') || 'No tagged tenants.');
}
