import { findTagged, foreignClaims, notOurs } from '../core/find-tagged.js';
import type { Step } from '../core/plan.js';
import { assertScopes, REQUIRED_SCOPES } from '../core/required-scopes.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { releaseTenantUsers } from '../core/tenant-users.js';
import { removeTenantFiles } from '../io/remove-tenant-files.js';
import { renderSteps } from '../io/render-steps.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject } from './project.js';
import type { DeleteArgs } from './delete.js';
import { holdLease, releaseLease } from './hold-lease.js';
import { confirm } from './confirm.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants delete`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runDelete(context: () => CommandContext, ...[tenantArg, options]: DeleteArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.delete, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const yes = Boolean(options.yes);
  const refused = `Deleting ${tenant} needs confirmation.`;
  const hint = `Pass --yes: tenants delete ${tenant} --yes`;
  // The one confirmation rule, applied before anything is sent; the question (below) names what was found.
  if (!ctx.interactive) await confirm(ctx, yes, refused, '', hint);
  const project = await openProject(ctx, options.config);
  const clients = await project.port.listClients();
  const apps = findTagged(clients, tenant);
  // An id that another team's application claims is theirs: its users are not ours to detach.
  if (apps.length === 0 && foreignClaims(clients, tenant).length > 0) throw notOurs(tenant, foreignClaims(clients, tenant));
  assertScopes(
    project.port.grantedScopes(),
    [...REQUIRED_SCOPES.delete, ...(apps.length ? REQUIRED_SCOPES.lease : []), ...(options.deleteUsers ? REQUIRED_SCOPES.deleteUsers : [])],
    'delete',
  );
  const what = apps.length ? `application ${apps.map((a) => a.client_id).join(', ')}` : 'no application (already gone)';
  const users = options.deleteUsers ? 'DELETE its users' : 'detach its users';
  await confirm(ctx, yes, refused, `Delete tenant ${tenant} on ${project.config.domain}: ${what}, ${users} and its files?`, hint);
  announceTarget(ctx, project);
  const lease = apps.length ? await holdLease(ctx, project, 'delete', options.waitLock) : undefined;
  const steps: Step[] = [];
  try {
    // Users first, confirmed by a search that shows none: a run stopped here still finds the tenant (its application) and finishes the job.
    const released = await releaseTenantUsers(
      { port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => ctx.out.message(ctx.out.color.dim(t)) },
      tenant,
      { deleteUsers: Boolean(options.deleteUsers) },
    );
    steps.push({
      resource: 'users',
      action: released.released ? 'delete' : 'absent',
      tenant,
      detail: `${released.released} user(s) ${options.deleteUsers ? 'deleted' : 'detached'}; search confirms none left`,
    });
    for (const app of apps) {
      await project.port.deleteClient(app.client_id);
      steps.push({ resource: 'application', action: 'delete', tenant, id: app.client_id });
    }
    if (apps.length === 0) steps.push({ resource: 'application', action: 'absent', tenant });
    // Only the files we emit: anything else someone put there stays.
    removeTenantFiles(project.outputDir, tenant);
    steps.push({ resource: 'files', action: 'delete', tenant });
  } finally {
    await releaseLease(lease);
  }
  ctx.out.result({ tenant, steps }, `Deleted ${tenant}:\n${renderSteps(steps, ctx.out.color, false)}`);
}
