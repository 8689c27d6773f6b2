import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

const membership = (mode: 'add' | 'remove') =>
  new Command(mode)
    .description(mode === 'add' ? 'put users into a tenant (sets app_metadata.tenant)' : 'take users out of a tenant (removes app_metadata.tenant)')
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
    .description('create database users if missing (unverified, random password), put them into a tenant, and print a link where each sets a password')
    .argument('<tenant>', 'tenant id')
    .argument('<emails...>', 'email addresses')
    .option('--config <path>', 'config file (default: ./tenants.config.json)')
    .option('--move', 'move users who belong to another tenant')
    .addHelpText('after', '\nExamples:\n  $ tenants users invite acme ann@acme.example   # prints a single-use password link');

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
