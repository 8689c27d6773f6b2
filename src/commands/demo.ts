import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('demo')
    .description('run the whole flow against the embedded Auth0 emulator: init, create acme and globex, show the results')
    .option('--dir <path>', 'work in this folder (default: a new temporary folder)')
    .option('--serve', "afterwards keep the emulator, a sample SPA and acme's and globex's FastAPI backends running on 127.0.0.1 until Ctrl-C")
    .option(
      '--strategy <strategy>',
      'how tenants are isolated: "applications" (default) or "organizations" (one Auth0 organization per tenant, one shared application)',
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants demo\n  $ tenants demo --serve   # then open the sample SPA it prints\n  $ tenants demo --strategy organizations`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type DemoArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

/**
 * The README's main job, with no Auth0 account: starts the embedded emulator, then runs the real CLI
 * against it exactly as a user would (each step printed as the command it is).
 */
export function demoCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-demo.js')).runDemo(context, ...args));
}
