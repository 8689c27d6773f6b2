import { driftedFields } from './drift.js';
import type { TenancyState, TenantResource } from './tenancy.js';
import { tenancyFor } from './tenancy-for.js';
import type { ManifestEntry } from './manifest.js';
import type { ProjectConfig } from './project-config.js';
import { TenantsError } from './tenants-error.js';

export type SyncAction = 'create' | 'update' | 'unchanged' | 'absent';

export interface SyncItem {
  tenant: string;
  action: SyncAction;
  clientId?: string;
  changes?: string[];
  /** The client grant for the API is missing (it is created with the application, or on its own). */
  grantMissing: boolean;
  desired?: Record<string, unknown>;
  /** Our other applications for this tenant (made by concurrent runs): deleted with their grants, the survivor kept. */
  duplicates?: string[];
  /** Duplicate tagged applications, an adopted one: said before anything is applied. */
  warnings?: string[];
}

/*
 * The diff between a manifest and Auth0: pure, computed from one read of the current state. Only our
 * applications count; a manifest tenant that another team's application claims is refused (exit 2).
 */
/**
 * The diff between a manifest and Auth0 (`create a b` plans a manifest of a and b, without prune). With
 * `adopt`, an application that claims a listed tenant id without our marker is taken over (updated).
 */
export function planSync(config: ProjectConfig, entries: ManifestEntry[], state: TenancyState, options: { adopt?: boolean } = {}): SyncItem[] {
  const tenancy = tenancyFor(config);
  const owned = tenancy.owned(state);
  const items: SyncItem[] = entries.map((entry) => {
    const { tenant: _tenant, ...overrides } = entry;
    const desired = tenancy.desired(config, entry.tenant, overrides, state);
    const tagged = owned.get(entry.tenant) ?? [];
    // Duplicates of ours (two runs created the tenant at once) are deleted; every run keeps the same survivor, tagged[0].
    const duplicates = tagged.slice(1).map((r) => r.id);
    const warnings: string[] = [];
    const foreign = tagged.length ? [] : tenancy.foreign(state, entry.tenant);
    if (foreign.length > 0 && !options.adopt) throw tenancy.notOurs(entry.tenant, foreign);
    if (foreign.length > 0)
      warnings.push(`Adopting ${tenancy.resourceKind} ${foreign[0]!.id} ("${foreign[0]!.name ?? ''}"): it gets our ownership marker and the tenant settings.`);
    const app: TenantResource | undefined = tagged[0] ?? foreign[0];
    const notes = warnings.length ? { warnings } : {};
    if (!app) return { tenant: entry.tenant, action: 'create', grantMissing: tenancy.grantMissing(config, state, undefined), desired, ...notes };
    const changes = driftedFields(tenancy.driftOf(desired), app.current);
    return {
      tenant: entry.tenant,
      clientId: app.id,
      desired,
      grantMissing: tenancy.grantMissing(config, state, app),
      action: changes.length || duplicates.length ? 'update' : 'unchanged',
      ...(changes.length ? { changes } : {}),
      ...notes,
      ...(duplicates.length ? { duplicates } : {}),
    };
  });
  const listed = new Set(entries.map((e) => e.tenant));
  for (const [tenant, apps] of [...owned].sort(([a], [b]) => a.localeCompare(b))) {
    if (!listed.has(tenant))
      items.push({
        tenant,
        action: 'absent',
        clientId: apps[0]!.id,
        grantMissing: false,
        ...(apps.length > 1 ? { duplicates: apps.slice(1).map((r) => r.id) } : {}),
      });
  }
  return items;
}

/** Refuses, before any write, a plan that would cross the plan's application limit. */
export function checkApplicationLimit(state: Pick<TenancyState, 'clients'>, creates: number, deletes: number, limit: number): void {
  const current = state.clients.filter((c) => !c.global).length;
  const after = current + creates - deletes;
  if (creates > 0 && after > limit) {
    throw new TenantsError(
      'usage',
      'application_limit',
      `This would make ${after} applications, over your plan's limit of ${limit} (${current} exist, ${creates} to create${deletes ? `, ${deletes} to delete` : ''}).`,
      {
        hint: 'Raise applicationLimit in tenants.config.json (or --application-limit) if your Auth0 plan allows more, or remove tenants.',
      },
    );
  }
}
