import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tenantNotFound } from '../core/find-tagged.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { parseInviteEmails } from '../core/invite-users.js';
import { assertMembershipAllowed, planMembership, resolveUsers } from '../core/tenant-users.js';
import type { Tenancy, TenancyState, TenantResource } from '../core/tenancy.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { usageError } from '../core/tenants-error.js';
import { renderInvitations } from '../io/render-invitations.js';
import { renderMembership } from '../io/render-membership.js';
import { renderUsersList } from '../io/render-users-list.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject, type Project } from './project.js';
import { assertScopes, scopesFor } from '../core/required-scopes.js';

import type { UsersAddArgs, UsersInviteArgs, UsersListArgs } from './users.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants users add|remove`: what runs (imported on demand). */
export async function runUsersMembership(context: () => CommandContext, mode: 'add' | 'remove', ...[tenantArg, refs, options]: UsersAddArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersMembership, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const all = [...refs, ...(options.file ? readList(resolve(ctx.cwd, options.file)) : [])].map((r) => r.trim()).filter(Boolean);
  if (all.length === 0)
    throw usageError('missing_user', 'Name at least one user (email or user_id), or --file.', `Example: tenants users ${mode} ${tenant} ann@example.com`);
  const project = await openProject(ctx, options.config);
  const { tenancy, state, resource } = await requireTenant(project, tenant);
  assertScopes(project.port.grantedScopes(), scopesFor(tenancy.strategy).users, `users ${mode}`);
  const resolved = await resolveUsers(project.port, [...new Set(all)]);
  const memberships = await tenancy.members.tenantsOf(
    project.port,
    resolved.flatMap((r) => r.users),
    state,
  );
  const plan = planMembership(tenant, resolved, mode, mode === 'add' && Boolean(options.move), memberships);
  assertMembershipAllowed(plan, tenant);
  announceTarget(ctx, project);
  const adding = plan.filter((m) => m.action === 'add' || m.action === 'move');
  if (adding.length)
    await tenancy.members.add(
      project.port,
      tenant,
      resource,
      adding.map((m) => ({ userId: m.userId!, from: m.action === 'move' ? [m.from!, ...(m.alsoFrom ?? [])] : [] })),
      state,
    );
  const removing = plan.filter((m) => m.action === 'remove').map((m) => m.userId!);
  if (removing.length) await tenancy.members.remove(project.port, tenant, resource, removing);
  ctx.out.result({ tenant, users: plan }, renderMembership(plan));
}

/** `tenants users list`. */
export async function runUsersList(context: () => CommandContext, ...[tenantArg, options]: UsersListArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersList, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const project = await openProject(ctx, options.config);
  const { tenancy, resource } = await requireTenant(project, tenant);
  const found = await tenancy.members.list(project.port, tenant, resource);
  const rows = found.map((u) => ({ userId: u.user_id, email: u.email ?? null }));
  ctx.out.result({ tenant, users: rows }, renderUsersList(tenant, rows));
}

/** `tenants users invite`. */
export async function runUsersInvite(context: () => CommandContext, ...[tenantArg, refs, options]: UsersInviteArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.usersInvite, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const emails = parseInviteEmails(refs);
  const ttlSec = options.ttl === undefined ? undefined : Number(options.ttl);
  if (ttlSec !== undefined && !(Number.isInteger(ttlSec) && ttlSec >= 0 && ttlSec <= 2_592_000))
    throw usageError(
      'invalid_option',
      `Invalid --ttl ${options.ttl}: seconds from 0 to 2592000 (30 days).`,
      "Pass --ttl 604800 for 7 days (0: Auth0's default, 7 days).",
    );
  const project = await openProject(ctx, options.config);
  const { tenancy, state, resource } = await requireTenant(project, tenant, true);
  assertScopes(project.port.grantedScopes(), scopesFor(tenancy.strategy).invite, 'users invite');
  announceTarget(ctx, project);
  const invited = await tenancy.invite(
    project.port,
    project.config,
    tenant,
    resource,
    emails,
    { move: Boolean(options.move), ttlSec, inviter: options.inviter, sendEmail: Boolean(options.sendEmail) },
    state,
  );
  const organizations = tenancy.strategy === 'organizations';
  ctx.out.result(
    { tenant, users: organizations ? invited.map(({ ticketUrl: _t, ...i }) => ({ ...i, invitationUrl: i.url })) : invited.map(({ url: _u, ...i }) => i) },
    renderInvitations(invited, organizations),
  );
}

/** The tenant's resource under the project's strategy, or `tenant_not_found` (exit 2) before anything is written. */
async function requireTenant(project: Project, tenant: string, forWrite = false): Promise<{ tenancy: Tenancy; state: TenancyState; resource: TenantResource }> {
  const tenancy = tenancyFor(project.config);
  tenancy.checkIds([tenant]);
  const state = await tenancy.read(project.port, project.config, { optionalApi: true, forWrite });
  const resource = tenancy.owned(state).get(tenant)?.[0];
  if (!resource) throw tenantNotFound([tenant], tenancy.resourceKind);
  return { tenancy, state, resource };
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
