import { findTagged, taggedTenants, tenantNotFound } from '../core/find-tagged.js';
import { readCurrentState } from '../core/provision-tenants.js';
import { tenantSettings } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { usageError } from '../core/tenants-error.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import { assertFilesNotEdited, describeWrites, writeTenantFiles } from '../io/write-tenant-files.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { EmitArgs } from './emit.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants emit`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runEmit(context: () => CommandContext, ...[tenantArgs, options]: EmitArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.emit, options);
  if (options.all && tenantArgs.length > 0) throw usageError('invalid_arguments', 'Give tenant ids or --all, not both.');
  const named = options.all ? [] : parseTenantIds(tenantArgs);
  const project = await openProject(ctx, options.config);
  const state = await readCurrentState(project.port, project.config);
  const tenants = options.all ? [...taggedTenants(state.clients).keys()].sort() : named;
  const missing = tenants.filter((t) => findTagged(state.clients, t).length === 0);
  if (missing.length > 0) {
    throw tenantNotFound(missing);
  }
  assertWritableDir(project.outputDir, `"outputDir" in ${project.path}`);
  if (!options.force) tenants.forEach((t) => assertFilesNotEdited(project.outputDir, t));
  const results = tenants.map((tenant) => {
    const clientId = findTagged(state.clients, tenant)[0]!.client_id;
    return { tenant, clientId, files: writeTenantFiles(project.outputDir, tenantSettings(project.config, tenant, clientId, state.api), project.config) };
  });
  ctx.out.result({ tenants: results }, results.map((r) => `${r.tenant}: ${describeWrites(r.files)}`).join('\n') || 'No tagged tenants.');
}
