import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('emit')
    .description("rewrite tenants' files (tenant.json, backend.env, spa.env) from Auth0's current state")
    .argument('[tenant...]', 'tenant ids')
    .option('--all', 'every tenant (application carrying our ownership marker)')
    .option('--force', 'overwrite files that were edited by hand')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addHelpText('after', `\nExamples:\n  $ tenants emit acme\n  $ tenants emit acme globex --force   # overwrite files edited by hand`);
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type EmitArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function emitCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-emit.js')).runEmit(context, ...args));
}
