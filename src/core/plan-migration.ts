import type { SharedPlan } from './ensure-shared-resources.js';
import { MEMBERS_PER_REQUEST } from './organization-tenancy.js';
import type { Step } from './plan.js';
import type { TenantSettings } from './tenant-files.js';
import { TenantsError } from './tenants-error.js';

/** The two phases of `tenants migrate to-organizations`: the dual state, then (`--finalize`) organizations only. */
export type MigrationPhase = 'dual' | 'finalize';

/** What the post-login Action's deployed code is, compared with our three renderings of it. */
export type ActionMode = 'applications' | 'dual' | 'organizations' | 'other' | 'missing';

/** One tenant as Auth0 and its files show it (read fresh by every run: nothing is remembered between runs). */
export interface MigrationTenant {
  tenant: string;
  /** Our per-tenant applications for it (the one kept first; others are duplicates), with their client grants' ids. */
  legacy: { clientId: string; grantIds: string[] }[];
  /** Our organization for it, when it exists. */
  organization: { id: string; name: string } | undefined;
  /**
   * The users whose `app_metadata.tenant` is this tenant (user search, or the users export past 1,000), and
   * which of them are already members; undefined when not read (no per-tenant application left to read them for).
   */
  users: string[] | undefined;
  members: Set<string>;
  /** The tenant's tenant.json as it is on disk (undefined: none or unreadable). */
  currentSettings: unknown;
}

export interface MigrationState {
  strategy: 'applications' | 'organizations';
  tenants: MigrationTenant[];
  /** Tenants whose organization name is taken by an organization without our marker: refused, never changed. */
  foreignOrganizations: { tenant: string; id: string }[];
  /** This project's shared application (the one kept first) and whether its user grant is missing. */
  shared: { clientId: string; grantMissing: boolean } | undefined;
  /** The shared resources as `tenants init` plans them for the organizations strategy, the Action in this phase's mode. */
  sharedPlan: SharedPlan;
  /** The Action code that plan deploys. */
  actionCode: string;
  /** The Action's id and which of our modes its deployed code is. */
  action: { id: string | undefined; mode: ActionMode };
}

/** What one run will do, as data: rendered by renderSteps, printed by --json, applied step by step. */
export interface MigrationPlan {
  phase: MigrationPhase;
  steps: Step[];
  /** --finalize before the dual state is complete: what is missing (the run is refused, exit 2). */
  incomplete: string[];
}

/** The desired tenant.json of a tenant in a phase, given its organization and the shared application. */
export type SettingsFor = (tenant: MigrationTenant, phase: MigrationPhase, organizationId: string, sharedClientId: string) => TenantSettings;

const PLACEHOLDER = { org: 'org_pending', client: 'pending' };

/**
 * Plans one run from what was read. The dual phase: an organization per tenant, the shared application and its
 * grant, every user a member, the Action in dual mode, tenant.json accepting both kinds of tokens. The finalize
 * phase (only once the dual state is complete): tenant.json and spa.env on the shared application and the
 * organization, the Action in organizations mode, the per-tenant applications and their grants deleted, and
 * `strategy: "organizations"` in the config, in that order, so a run stopped anywhere is finished by the next.
 */
export function planMigration(state: MigrationState, phase: MigrationPhase, settingsFor: SettingsFor): MigrationPlan {
  if (state.foreignOrganizations.length > 0) {
    throw new TenantsError(
      'usage',
      'organization_not_ours',
      `Organization name${state.foreignOrganizations.length > 1 ? 's' : ''} ${state.foreignOrganizations.map((f) => `${f.tenant} (${f.id})`).join(', ')} ${state.foreignOrganizations.length > 1 ? 'are' : 'is'} taken by an organization without our marker; nothing was changed.`,
      {
        hint: 'That organization belongs to someone else: rename it in the Auth0 dashboard if it is a leftover, or keep that tenant out of the project.',
      },
    );
  }
  const steps: Step[] = [];
  const sharedId = state.shared?.clientId ?? PLACEHOLDER.client;
  const settingsStep = (t: MigrationTenant, target: MigrationPhase): Step => {
    const matches = (p: MigrationPhase) =>
      JSON.stringify(t.currentSettings) === JSON.stringify(settingsFor(t, p, t.organization?.id ?? PLACEHOLDER.org, sharedId));
    // A tenant.json a finalize already wrote is never taken back to the dual shape.
    const same = matches(target) || (target === 'dual' && matches('finalize'));
    return { resource: 'files', action: same ? 'unchanged' : 'update', tenant: t.tenant, detail: describeSettings(target) };
  };

  if (phase === 'dual') {
    // The shared application, its grant and the Action in dual mode first: the dual Action treats logins to the
    // per-tenant applications exactly as before, so switching it early changes nothing for them.
    steps.push(...state.sharedPlan.steps);
    for (const t of state.tenants)
      steps.push(
        t.organization
          ? { resource: 'organization', action: 'unchanged', tenant: t.tenant, id: t.organization.id }
          : { resource: 'organization', action: 'create', tenant: t.tenant },
      );
    for (const t of state.tenants) {
      const missing = missingMembers(t);
      steps.push({
        resource: 'members',
        action: missing.length ? 'create' : 'unchanged',
        tenant: t.tenant,
        detail: missing.length
          ? `${missing.length} of ${t.users?.length ?? 0} user(s) to add, ${Math.ceil(missing.length / MEMBERS_PER_REQUEST)} request(s)`
          : `${t.users?.length ?? 0} user(s), all members`,
      });
    }
    for (const t of state.tenants) steps.push(settingsStep(t, 'dual'));
    return { phase, steps, incomplete: [] };
  }

  // --finalize: only from a complete dual state (or a finalize stopped half-way, which has passed that check).
  const incomplete = dualGaps(state, settingsFor);
  if (incomplete.length) return { phase, steps: [], incomplete };
  for (const t of state.tenants) steps.push(settingsStep(t, 'finalize'));
  steps.push(...state.sharedPlan.steps);
  for (const t of state.tenants) {
    for (const app of t.legacy) {
      for (const grant of app.grantIds) steps.push({ resource: 'client-grant', action: 'delete', tenant: t.tenant, id: grant });
      steps.push({ resource: 'application', action: 'delete', tenant: t.tenant, id: app.clientId });
    }
  }
  steps.push({
    resource: 'config',
    action: state.strategy === 'organizations' ? 'unchanged' : 'update',
    detail: 'strategy: "organizations"',
    ...(state.strategy === 'organizations' ? {} : { changes: ['strategy'] }),
  });
  return { phase, steps, incomplete: [] };
}

/** The users of a tenant who are not members of its organization yet. */
export const missingMembers = (t: MigrationTenant): string[] => (t.users ?? []).filter((u) => !t.members.has(u));

const describeSettings = (phase: MigrationPhase) =>
  phase === 'dual'
    ? 'tenant.json: the application and the organization (organization.required: false)'
    : 'tenant.json: the organization only; spa.env: the shared application';

/**
 * What keeps the dual state from being complete (empty: complete). Parts the finalize phase has already moved on
 * (the Action in organizations mode, tenant.json requiring the organization, applications deleted) count as done.
 */
function dualGaps(state: MigrationState, settingsFor: SettingsFor): string[] {
  const gaps: string[] = [];
  if (!state.shared) gaps.push('the shared application does not exist');
  else if (state.shared.grantMissing) gaps.push('the shared application has no user grant for the API');
  if (state.action.mode !== 'dual' && state.action.mode !== 'organizations') gaps.push(`the Action is not in dual mode (it is ${state.action.mode})`);
  for (const t of state.tenants) {
    if (!t.organization) {
      gaps.push(`${t.tenant} has no organization`);
      continue;
    }
    const missing = missingMembers(t);
    if (missing.length) gaps.push(`${t.tenant}: ${missing.length} user(s) are not members of its organization`);
    if (!state.shared) continue;
    const ok = (['dual', 'finalize'] as const).some(
      (p) => JSON.stringify(t.currentSettings) === JSON.stringify(settingsFor(t, p, t.organization!.id, state.shared!.clientId)),
    );
    if (!ok) gaps.push(`${t.tenant}'s tenant.json does not accept organization tokens yet`);
  }
  return gaps;
}

/** Whether applying the plan writes anything (and so takes the lease and asks first). */
export const planWrites = (plan: MigrationPlan): boolean => plan.steps.some((s) => s.action !== 'unchanged' && s.action !== 'absent');

/** The counts of a plan's steps by action. */
export function countSteps(steps: Step[]): Record<'create' | 'update' | 'delete' | 'unchanged', number> {
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of steps) if (s.action in counts) counts[s.action as keyof typeof counts] += 1;
  return counts;
}
