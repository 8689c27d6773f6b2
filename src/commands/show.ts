import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('show')
    .description("show a tenant's application, client grant, settings and files")
    .argument('<tenant>', 'tenant id')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addHelpText('after', `\nExamples:\n  $ tenants show acme`);
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type ShowArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function showCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-show.js')).runShow(context, ...args));
}
