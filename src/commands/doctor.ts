import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('doctor')
    .description('check the whole setup against Auth0 and say what to fix (exit 0 healthy, 1 problems found)')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addHelpText('after', `\nExamples:\n  $ tenants doctor\n  $ tenants doctor --json > report.json`);
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type DoctorArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function doctorCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-doctor.js')).runDoctor(context, ...args));
}
