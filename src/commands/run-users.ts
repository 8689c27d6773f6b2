import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findTagged, tenantNotFound } from '../core/find-tagged.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { inviteUsers, parseInviteEmails, ticketResultUrl } from '../core/invite-users.js';
import { applyMembership, assertMembershipAllowed, listTenantUsers, planMembership, resolveUsers, type Membership } from '../core/tenant-users.js';
import { usageError } from '../core/tenants-error.js';
import { renderTable } from '../io/render-table.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject, type Project } from './project.js';
import { assertScopes, REQUIRED_SCOPES } from '../core/required-scopes.js';

import type { UsersAddArgs, UsersInviteArgs, UsersListArgs } from './users.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

const VERB: Record<Membership['action'], string> = {
  add: 'added',
  move: 'moved',
  unchanged: 'already a member',
  remove: 'removed',
  not_member: 'not a member',
  refused: 'refused',
  not_found: 'not found',
};

/** `tenants users add|remove`: what runs (imported on demand). */
export async function runUsersMembership(context: () => CommandContext, mode: 'add' | 'remove', ...[tenantArg, refs, options]: UsersAddArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersMembership, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const all = [...refs, ...(options.file ? readList(resolve(ctx.cwd, options.file)) : [])].map((r) => r.trim()).filter(Boolean);
  if (all.length === 0)
    throw usageError('missing_user', 'Name at least one user (email or user_id), or --file.', `Example: tenants users ${mode} ${tenant} ann@example.com`);
  const project = await openProject(ctx, options.config);
  await requireTenant(project, tenant);
  assertScopes(project.port.grantedScopes(), REQUIRED_SCOPES.users, `users ${mode}`);
  const plan = planMembership(tenant, await resolveUsers(project.port, [...new Set(all)]), mode, mode === 'add' && Boolean(options.move));
  assertMembershipAllowed(plan, tenant);
  announceTarget(ctx, project);
  await applyMembership(project.port, tenant, plan);
  ctx.out.result(
    { tenant, users: plan },
    renderTable(
      ['USER', 'RESULT'],
      plan.map((m) => [m.email ?? m.userId ?? m.ref, `${VERB[m.action]}${m.action === 'move' ? ` from ${m.from}` : ''}`]),
    ),
  );
}

/** `tenants users list`. */
export async function runUsersList(context: () => CommandContext, ...[tenantArg, options]: UsersListArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersList, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const project = await openProject(ctx, options.config);
  await requireTenant(project, tenant);
  const found = await listTenantUsers(project.port, tenant);
  const rows = found.map((u) => ({ userId: u.user_id, email: u.email ?? null }));
  ctx.out.result(
    { tenant, users: rows },
    rows.length
      ? renderTable(
          ['USER ID', 'EMAIL'],
          rows.map((r) => [r.userId, r.email ?? '-']),
        )
      : `No users in ${tenant}. Add some with: tenants users add ${tenant} <email>`,
  );
}

/** `tenants users invite`. */
export async function runUsersInvite(context: () => CommandContext, ...[tenantArg, refs, options]: UsersInviteArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersInvite, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const emails = parseInviteEmails(refs);
  const project = await openProject(ctx, options.config);
  const [app] = findTagged(await project.port.listClients(), tenant);
  if (!app) throw tenantNotFound([tenant]);
  assertScopes(project.port.grantedScopes(), REQUIRED_SCOPES.invite, 'users invite');
  announceTarget(ctx, project);
  const invited = await inviteUsers(project.port, tenant, emails, { move: Boolean(options.move), resultUrl: ticketResultUrl(app) });
  const result = (i: (typeof invited)[number]) => (i.created ? 'created' : i.action === 'move' ? `moved from ${i.from}` : VERB[i.action]);
  ctx.out.result(
    { tenant, users: invited },
    renderTable(
      ['EMAIL', 'RESULT', 'PASSWORD LINK (single use, 5 days)'],
      invited.map((i) => [i.email, result(i), i.ticketUrl]),
    ),
  );
}

async function requireTenant(project: Project, tenant: string): Promise<void> {
  if (findTagged(await project.port.listClients(), tenant).length === 0) {
    throw tenantNotFound([tenant]);
  }
}

function readList(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(
      'file_unreadable',
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'Give a file with one email or user_id per line.',
    );
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}
