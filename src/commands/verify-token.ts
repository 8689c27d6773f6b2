import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

function define() {
  return new Command('verify-token')
    .description("check an access token exactly as the tenant's backend does, and explain every failure")
    .argument('[token]', 'the token; read from stdin when absent or "-" (safer: an argument shows in ps and shell history)')
    .option('--tenant <id>', "check against this tenant's tenant.json")
    .option('--config <path>', 'check against this tenant.json')
    .option('--jwks <file|url>', 'use this key set instead of jwksUri (a file works offline)')
    .option('--at <iso-time>', 'evaluate at this moment instead of now')
    .option('--batch', 'read one token per line from stdin and print one verdict per line (NDJSON with --json)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants verify-token --tenant acme < token.txt\n  $ echo "$TOKEN" | tenants verify-token --config tenants/acme/tenant.json --jwks jwks.json --json\n  $ tenants verify-token --tenant acme --batch < tokens.txt`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type VerifyTokenArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

/**
 * `tenants verify-token`: one token (argument or stdin), or `--batch`, one token per line of stdin. The
 * verifier, the key set and the settings reader are imported when the command runs, not on every start.
 */
export function verifyTokenCommand(context: () => CommandContext, readStdin: () => Promise<string>) {
  return define().action(async (...args) => (await import('./run-verify-token.js')).runVerifyToken(context, readStdin, ...args));
}
