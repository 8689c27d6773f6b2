import { Command } from '@commander-js/extra-typings';
import { CONFIG_FILE } from '../core/config-file-name.js';
import type { CommandContext } from './context.js';
import { EXIT_CODE_HELP, formatOption, waitLockOption } from './ci-options.js';

function define() {
  return new Command('init')
    .description('create or reconcile the shared API and the tenant-claim Action, and write tenants.config.json')
    .option('--domain <domain>', 'Auth0 domain tokens are issued under (default: AUTH0_DOMAIN)')
    .option('--audience <identifier>', 'identifier of the shared API (the audience of every tenant token)')
    .option('--api-name <name>', 'display name of the shared API')
    .option('--claim-namespace <url>', 'namespace of the tenant claim, a URL ending in "/"')
    .option('--output-dir <dir>', 'where per-tenant files go (default: tenants/)')
    .option('--callbacks <urls>', "the SPA's callback URLs, comma-separated; {tenant} is replaced by the tenant id (asked on a terminal)")
    .option('--logout-urls <urls>', "the SPA's logout URLs, comma-separated (default: the callbacks)")
    .option('--web-origins <urls>', "the SPA's web origins, comma-separated (default: the callbacks' origins)")
    .option('--no-require-client-grant', 'let any application of the Auth0 tenant get user tokens for the API')
    .option(
      '--strategy <strategy>',
      'how tenants are isolated: "applications" (one application per tenant, the default) or "organizations" (one Auth0 organization per tenant, one shared application)',
    )
    .option('--login-uri <url>', "organizations: the shared application's login URL (https), where invitation links lead")
    .option('--config <path>', `config file (default: ./${CONFIG_FILE})`)
    .option('--allow-wildcards', 'accept wildcards in the application URLs of the config (with a warning)')
    .option('--dry-run', 'show what would change, change nothing')
    .addOption(waitLockOption())
    .option('--exit-code', EXIT_CODE_HELP)
    .addOption(formatOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants init --domain acme.eu.auth0.com --audience https://api.saas.example.com --claim-namespace https://saas.example.com/ --callbacks 'https://{tenant}.app.example.com/callback'\n  $ tenants init --dry-run      # what would change in Auth0, nothing written or sent\n  $ tenants init --strategy organizations --login-uri https://app.example.com/login --callbacks 'https://{tenant}.app.example.com/callback'`,
    );
}

/** The arguments and options of the command, as its code (loaded when it runs) receives them. */
export type InitArgs = Parameters<Parameters<ReturnType<typeof define>['action']>[0]>;

export function initCommand(context: () => CommandContext) {
  return define().action(async (...args) => (await import('./run-init.js')).runInit(context, ...args));
}
