import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';
import { EXIT_CODE_HELP, formatOption, waitLockOption } from './ci-options.js';

/** Safe for every Auth0 plan's published Management API limits (about 2 requests/s on free tenants). */
export const DEFAULT_MAX_RPS = 2;

function define() {
  return new Command('sync')
    .description('make Auth0 match a manifest of tenants (YAML, JSON or CSV): create what is missing, repair what drifted')
    .argument('<manifest>', 'the manifest file')
    .option('--dry-run', 'print the diff (create, update, unchanged, absent) and change nothing')
    .option('--prune', 'delete our tenants that are not in the manifest (their users are detached first, as by `delete`)')
    .option('--yes', 'do not ask before pruning (required without a terminal)')
    .option('--delete-users', "with --prune: delete pruned tenants' users instead of detaching them")
    .option('--allow-wildcards', 'accept wildcards in callbacks, logout URLs and web origins (with a warning)')
    .option('--force', 'overwrite emitted files that were edited by hand')
    .option('--max-rps <n>', 'Management API requests per second at most', String(DEFAULT_MAX_RPS))
    .option('--concurrency <n>', 'requests in flight at most', '8')
    .option('--application-limit <n>', "your plan's application limit (default: applicationLimit in the config)")
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .option('--exit-code', EXIT_CODE_HELP)
    .addOption(formatOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants sync tenants.yaml --dry-run\n  $ tenants sync tenants.csv --max-rps 2\n  $ tenants sync tenants.yaml --prune --yes   # also delete tenants not listed\n  $ tenants sync tenants.yaml --dry-run --exit-code --format markdown > plan.md   # CI: exit 10 when changes are pending`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type SyncArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function syncCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-sync.js')).runSync(context, ...args));
}
