import { isWrite, type Step } from '../core/plan.js';
import { assertScopes, scopesFor } from '../core/required-scopes.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { removeTenantFiles } from '../io/remove-tenant-files.js';
import { renderDeletion } from '../io/render-deletion.js';
import type { CommandContext } from './context.js';
import { announceTarget, openProject } from './project.js';
import type { DeleteArgs } from './delete.js';
import { holdLease, releaseLease } from './hold-lease.js';
import { confirm } from './confirm.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/**
 * `tenants delete`: what runs (imported on demand, so `--help` and other commands never load it). The plan is
 * data (the tenant's users, its resources, its files), read once through the strategy: `--dry-run` prints it;
 * otherwise it is confirmed, then applied under the lease, users first.
 */
export async function runDelete(context: () => CommandContext, ...[tenantArg, options]: DeleteArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.delete, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const yes = Boolean(options.yes);
  const refused = `Deleting ${tenant} needs confirmation.`;
  const hint = `Pass --yes: tenants delete ${tenant} --yes`;
  // The one confirmation rule, applied before anything is sent (a --dry-run needs none); the question (below) names what was found.
  if (!options.dryRun && !ctx.interactive) await confirm(ctx, yes, refused, '', hint);
  const project = await openProject(ctx, options.config);
  const tenancy = tenancyFor(project.config);
  tenancy.checkIds([tenant]);
  const state = await tenancy.read(project.port, project.config, { optionalApi: true });
  const resources = tenancy.owned(state).get(tenant) ?? [];
  // An id that another team's resource claims is theirs: its users are not ours to detach.
  const foreign = tenancy.foreign(state, tenant);
  if (resources.length === 0 && foreign.length > 0) throw tenancy.notOurs(tenant, foreign);
  const users = options.deleteUsers ? 'deleted' : 'detached';
  const members = resources[0] ? await tenancy.members.count(project.port, tenant, resources[0]) : 0;
  const plan: Step[] = [
    { resource: 'users', action: members > 0 ? 'delete' : 'absent', tenant, detail: `${members} user(s) to be ${users}` },
    ...(resources.length
      ? resources.map((r): Step => ({ resource: tenancy.resourceKind as Step['resource'], action: 'delete', tenant, id: r.id }))
      : [{ resource: tenancy.resourceKind as Step['resource'], action: 'absent', tenant } satisfies Step]),
    { resource: 'files', action: 'delete', tenant },
  ];
  if (options.dryRun) {
    ctx.out.result({ dryRun: true, tenant, steps: plan }, renderDeletion(tenant, plan, true, ctx.out.color));
    return;
  }
  const needed = scopesFor(tenancy.strategy);
  assertScopes(
    project.port.grantedScopes(),
    [...needed.delete, ...(resources.length ? needed.lease : []), ...(options.deleteUsers ? needed.deleteUsers : [])],
    'delete',
  );
  const what = resources.length ? `${tenancy.resourceKind} ${resources.map((r) => r.id).join(', ')}` : `no ${tenancy.resourceKind} (already gone)`;
  const verb = options.deleteUsers ? `DELETE its ${members} user(s)` : `detach its ${members} user(s)`;
  await confirm(ctx, yes, refused, `Delete tenant ${tenant} on ${project.config.domain}: ${what}, ${verb} and its files?`, hint);
  announceTarget(ctx, project);
  const lease = plan.some((s) => isWrite(s) && s.resource !== 'files') ? await holdLease(ctx, project, 'delete', options.waitLock) : undefined;
  const steps: Step[] = [];
  try {
    // Users first, confirmed by a read that shows none: a run stopped here still finds the tenant and finishes the job.
    const released = await tenancy.members.release(
      { port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => ctx.out.message(ctx.out.color.dim(t)) },
      tenant,
      resources[0],
      { deleteUsers: Boolean(options.deleteUsers) },
    );
    const confirmedBy = tenancy.strategy === 'organizations' ? 'the member list confirms none left' : 'search confirms none left';
    steps.push({ resource: 'users', action: released.released ? 'delete' : 'absent', tenant, detail: `${released.released} user(s) ${users}; ${confirmedBy}` });
    await tenancy.remove(
      project.port,
      resources.map((r) => r.id),
    );
    steps.push(...plan.filter((s) => s.resource === tenancy.resourceKind));
    // Only the files we emit: anything else someone put there stays.
    removeTenantFiles(project.outputDir, tenant);
    steps.push({ resource: 'files', action: 'delete', tenant });
  } finally {
    await releaseLease(lease);
  }
  ctx.out.result({ tenant, steps }, renderDeletion(tenant, steps, false, ctx.out.color));
}
