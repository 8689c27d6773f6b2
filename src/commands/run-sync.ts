import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatOf, parseManifest } from '../core/manifest.js';
import { usageError } from '../core/tenants-error.js';
import { loadConfig } from '../io/config-file.js';
import type { CommandContext } from './context.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';
import { reconcileTenants } from './reconcile-tenants.js';
import type { SyncArgs } from './sync.js';

/** `tenants sync`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runSync(context: () => CommandContext, ...[manifestPath, raw]: SyncArgs): Promise<void> {
  const ctx = context();
  const options = parseOptions(OPTION_SCHEMAS.sync, raw);
  const loaded = loadConfig(ctx.cwd, raw.config);
  const entries = parseManifest(readManifest(resolve(ctx.cwd, manifestPath)), formatOf(manifestPath));
  await reconcileTenants(ctx, loaded, entries, {
    command: 'sync',
    source: `${loaded.path} or ${manifestPath}`,
    dryRun: Boolean(raw.dryRun),
    prune: Boolean(raw.prune),
    yes: Boolean(raw.yes),
    deleteUsers: Boolean(raw.deleteUsers),
    adopt: false,
    allowWildcards: Boolean(raw.allowWildcards),
    force: Boolean(raw.force),
    pace: { maxRps: options.maxRps, concurrency: options.concurrency },
    applicationLimit: options.applicationLimit,
    waitLock: raw.waitLock,
    exitCode: raw.exitCode,
    format: raw.format,
  });
}

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(
      'manifest_missing',
      `Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'Give the path of a YAML, JSON or CSV manifest.',
    );
  }
}
