import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';
import { EXIT_CODE_HELP, formatOption, waitLockOption } from './ci-options.js';

function define() {
  return new Command('create')
    .description("give each tenant its own Auth0 application (marked as ours, granted the shared API) and emit the tenant's files")
    .argument('<tenant...>', 'tenant ids: lower-case letters, digits and hyphens')
    .option('--dry-run', 'print the plan (create, update or unchanged for each resource) and change nothing')
    .option('--adopt', 'take over an application that claims the tenant id without our ownership marker (it becomes ours)')
    .option('--allow-wildcards', 'accept wildcards in callbacks, logout URLs and web origins (with a warning)')
    .option('--force', 'overwrite emitted files that were edited by hand')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .option('--exit-code', EXIT_CODE_HELP)
    .addOption(formatOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants create acme globex\n  $ tenants create acme --dry-run --json\n  $ tenants create legacy --adopt   # take over an application another tool made`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type CreateArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function createCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-create.js')).runCreate(context, ...args));
}
