import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';
import { waitLockOption } from './ci-options.js';

const toOrganizations = () =>
  new Command('to-organizations')
    .description(
      'move an application-per-tenant project to Auth0 Organizations: first a dual state accepting both kinds of tokens, then (--finalize) organizations only',
    )
    .option('--dry-run', 'print the plan and change nothing')
    .option('--yes', 'do not ask before the destructive phase (required without a terminal)')
    .option(
      '--finalize',
      'once the dual state is complete: switch the SPA settings to the shared application, delete the per-tenant applications, require organizations',
    )
    .option('--max-rps <n>', 'Management API requests per second at most', '2')
    .option('--concurrency <n>', 'requests in flight at most', '8')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addOption(waitLockOption())
    .addHelpText(
      'after',
      [
        '',
        'Phases (each re-runnable after a crash; the state is read from Auth0 and the files):',
        '  1. tenants migrate to-organizations             an organization per tenant, its users members, the shared',
        '                                                  application, the Action in dual mode, tenant.json accepting both',
        '  2. tenants migrate to-organizations --finalize  SPA settings on the shared application, per-tenant applications',
        '                                                  deleted, organizations required, strategy "organizations"',
        '',
        'Examples:',
        '  $ tenants migrate to-organizations --dry-run',
        '  $ tenants migrate to-organizations --yes',
        '  $ tenants migrate to-organizations --finalize --dry-run',
        '  $ tenants migrate to-organizations --finalize --yes',
      ].join('\n'),
    );

type ArgsOf<C extends { action: (fn: never) => unknown }> = Parameters<Parameters<C['action']>[0]>;
/** The options of `migrate to-organizations`, as its code (loaded when it runs) receives them. */
export type MigrateToOrganizationsArgs = ArgsOf<ReturnType<typeof toOrganizations>>;

export function migrateCommand(context: () => CommandContext) {
  const migrate = new Command('migrate')
    .description('move the project from one isolation strategy to another')
    .addHelpText('after', '\nExamples:\n  $ tenants migrate to-organizations --dry-run\n  $ tenants help migrate to-organizations');
  migrate.addCommand(toOrganizations().action(async (...args) => (await import('./run-migrate.js')).runMigrateToOrganizations(context, ...args)));
  return migrate;
}
