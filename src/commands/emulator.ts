import { Command, Option } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('emulator')
    .description('run a local Auth0 tenant on 127.0.0.1 over HTTPS (prints one JSON ready line, serves until SIGINT/SIGTERM)')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--state <file>', 'persist the tenant in this file across restarts (default: in memory)')
    .option('--rate-limit <rps>', 'Management API budget in requests per second (429 past it)')
    .option('--latency <ms>', 'delay every answer by this many milliseconds')
    .option('--fail-rate <0..1>', 'share of Management API requests answered with 429, 500, 503 or a dropped connection')
    .addOption(new Option('--plan <plan>', 'Auth0 plan whose entity limits apply').choices(['free', 'self-service', 'enterprise']).default('self-service'))
    .option('--action-build-ms <ms>', 'how long an Action stays pending before it is built', '300')
    .option('--action-deploy-ms <ms>', 'how long a deployment takes to complete in the background (binding before then answers 400)', '0')
    .option('--search-lag <ms>', "user search trails writes by this long, as Auth0's index does", '0')
    .option('--no-api-access-policies', 'model a tenant without API access policies (subject_type_authorization refused)')
    .addHelpText('after', `\nExamples:\n  $ tenants emulator --port 0 --state .emulator.json\n  $ tenants emulator --fail-rate 0.1 --rate-limit 2`);
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type EmulatorArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function emulatorCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-emulator.js')).runEmulator(context, ...args));
}
