import { parseTenantIds } from '../core/tenant-id.js';
import { loadConfig } from '../io/config-file.js';
import { readTenantOverrides } from '../io/tenant-overrides-file.js';
import type { CommandContext } from './context.js';
import { INTERACTIVE_PACE } from './project.js';
import { reconcileTenants } from './reconcile-tenants.js';
import type { CreateArgs } from './create.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants create`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runCreate(context: () => CommandContext, ...[tenantArgs, options]: CreateArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.create, options);
  const tenants = parseTenantIds(tenantArgs);
  const loaded = loadConfig(ctx.cwd, options.config);
  // The same engine as `sync`: a manifest of these tenants, each with its recorded settings, never pruned.
  const entries = tenants.map((tenant) => ({ ...readTenantOverrides(loaded.outputDir, tenant), tenant }));
  await reconcileTenants(ctx, loaded, entries, {
    command: 'create',
    source: loaded.path,
    dryRun: Boolean(options.dryRun),
    prune: false,
    yes: false,
    deleteUsers: false,
    adopt: Boolean(options.adopt),
    allowWildcards: Boolean(options.allowWildcards),
    force: Boolean(options.force),
    pace: INTERACTIVE_PACE,
    applicationLimit: undefined,
    waitLock: options.waitLock,
    exitCode: options.exitCode,
    format: options.format,
  });
}
