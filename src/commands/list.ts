import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('list')
    .description('list the tenants: applications carrying our tag')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addHelpText('after', `\nExamples:\n  $ tenants list\n  $ tenants list --json`);
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type ListArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function listCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-list.js')).runList(context, ...args));
}
