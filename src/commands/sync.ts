import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { z } from 'zod';
import { formatOf, parseManifest } from '../core/manifest.js';
import { usageError } from '../core/tenants-error.js';
import { loadConfig } from '../io/config-file.js';
import type { CommandContext } from './context.js';
import { parseOptions } from './parse-options.js';
import { reconcileTenants } from './reconcile-tenants.js';

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
    .action(async (manifestPath, raw) => {
      const ctx = context();
      const options = parseOptions(schema, raw);
      const loaded = loadConfig(ctx.cwd, raw.config);
      const entries = parseManifest(readManifest(resolve(ctx.cwd, manifestPath)), formatOf(manifestPath));
      await reconcileTenants(ctx, loaded, entries, {
        command: 'sync', source: `${loaded.path} or ${manifestPath}`, dryRun: Boolean(raw.dryRun), prune: Boolean(raw.prune), yes: Boolean(raw.yes),
        deleteUsers: Boolean(raw.deleteUsers), adopt: false, allowWildcards: Boolean(raw.allowWildcards), force: Boolean(raw.force),
        pace: { maxRps: options.maxRps, concurrency: options.concurrency }, applicationLimit: options.applicationLimit,
      });
    });
}

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError('manifest_missing', `Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Give the path of a YAML, JSON or CSV manifest.');
  }
}
