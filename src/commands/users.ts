import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

const membership = (mode: 'add' | 'remove') =>
  new Command(mode)
    .description(
      mode === 'add'
        ? 'put users into a tenant (sets app_metadata.tenant; organizations: adds them as members)'
        : 'take users out of a tenant (removes app_metadata.tenant; organizations: removes the membership)',
    )
    .argument('<tenant>', 'tenant id')
    .argument('[users...]', 'emails or user_ids')
    .option('--file <path>', 'more emails or user_ids, one per line (# comments allowed)')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .option('--move', mode === 'add' ? 'move users who belong to another tenant' : 'ignored (remove never moves anyone)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ tenants users ${mode} acme ann@acme.example bob@acme.example\n  $ tenants users ${mode} acme --file users.txt${mode === 'add' ? '\n  $ tenants users add acme ann@acme.example --move   # from another tenant' : ''}`,
    );

const list = () =>
  new Command('list')
    .description("list a tenant's users")
    .argument('<tenant>', 'tenant id')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .addHelpText('after', '\nExamples:\n  $ tenants users list acme\n  $ tenants users list acme --json');

const invite = () =>
  new Command('invite')
    .description(
      "create database users if missing (unverified, random password), put them into a tenant, and print a link where each sets a password (organizations: an invitation to the tenant's organization, its link printed)",
    )
    .argument('<tenant>', 'tenant id')
    .argument('<emails...>', 'email addresses')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .option('--move', 'move users who belong to another tenant')
    .option('--ttl <seconds>', 'organizations: how long the invitation is valid (0: 7 days, at most 2592000)')
    .option('--inviter <name>', 'organizations: who invites, shown in the invitation (default: auth0-tenants)')
    .option('--send-email', 'organizations: let Auth0 email the invitation too')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tenants users invite acme ann@acme.example   # prints a single-use password link (organizations: the invitation link)\n  $ tenants users invite acme ann@acme.example --inviter "Acme admin" --send-email',
    );

type ArgsOf<C extends { action: (fn: never) => unknown }> = Parameters<Parameters<C['action']>[0]>;
/** The arguments and options of each subcommand, as its code (loaded when it runs) receives them. */
export type UsersAddArgs = ArgsOf<ReturnType<typeof membership>>;
export type UsersListArgs = ArgsOf<ReturnType<typeof list>>;
export type UsersInviteArgs = ArgsOf<ReturnType<typeof invite>>;

export function usersCommand(context: () => CommandContext) {
  const run = () => import('./run-users.js');
  const users = new Command('users')
    .description("manage which users belong to a tenant (the user's app_metadata.tenant)")
    .addHelpText('after', '\nExamples:\n  $ tenants users add acme ann@acme.example\n  $ tenants users list acme\n  $ tenants help users add');
  users.addCommand(membership('add').action(async (...args) => (await run()).runUsersMembership(context, 'add', ...args)));
  users.addCommand(list().action(async (...args) => (await run()).runUsersList(context, ...args)));
  users.addCommand(membership('remove').action(async (...args) => (await run()).runUsersMembership(context, 'remove', ...args)));
  users.addCommand(invite().action(async (...args) => (await run()).runUsersInvite(context, ...args)));
  return users;
}
