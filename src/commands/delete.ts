import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';
import { waitLockOption } from './ci-options.js';

function define() {
  return new Command('delete')
    .description("delete a tenant's application or organization (only one carrying our ownership marker), after its users, and its emitted files")
    .argument('<tenant>', 'tenant id')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .option('--delete-users', "delete the tenant's users instead of detaching them (removing app_metadata.tenant)")
    .option('--dry-run', 'show the plan (users, resources, files), change nothing')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants delete acme\n  $ tenants delete acme --yes --delete-users\n  $ tenants delete acme --dry-run      # the plan: users, the application or organization, the files`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type DeleteArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function deleteCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-delete.js')).runDelete(context, ...args));
}
