import { Command } from '@commander-js/extra-typings';
import { parseTenantIds } from '../core/tenant-id.js';
import { loadConfig } from '../io/config-file.js';
import { readTenantOverrides } from '../io/tenant-overrides-file.js';
import type { CommandContext } from './context.js';
import { INTERACTIVE_PACE } from './project.js';
import { reconcileTenants } from './reconcile-tenants.js';

export function createCommand(context: () => CommandContext) {
  return new Command('create')
    .description("give each tenant its own Auth0 application (marked as ours, granted the shared API) and emit the tenant's files")
    .argument('<tenant...>', 'tenant ids: lower-case letters, digits and hyphens')
    .option('--dry-run', 'print the plan (create, update or unchanged for each resource) and change nothing')
    .option('--adopt', 'take over an application that claims the tenant id without our ownership marker (it becomes ours)')
    .option('--allow-wildcards', 'accept wildcards in callbacks, logout URLs and web origins (with a warning)')
    .option('--force', 'overwrite emitted files that were edited by hand')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .action(async (tenantArgs, options) => {
      const ctx = context();
      const tenants = parseTenantIds(tenantArgs);
      const loaded = loadConfig(ctx.cwd, options.config);
      // The same engine as `sync`: a manifest of these tenants, each with its recorded settings, never pruned.
      const entries = tenants.map((tenant) => ({ ...readTenantOverrides(loaded.outputDir, tenant), tenant }));
      await reconcileTenants(ctx, loaded, entries, {
        command: 'create', source: loaded.path, dryRun: Boolean(options.dryRun), prune: false, yes: false, deleteUsers: false,
        adopt: Boolean(options.adopt), allowWildcards: Boolean(options.allowWildcards), force: Boolean(options.force),
        pace: INTERACTIVE_PACE, applicationLimit: undefined,
      });
    });
}
