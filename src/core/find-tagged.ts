import type { Client } from '../auth0/resources.js';
import { bySurvivorOrder } from './survivor-order.js';
import { OWNER_KEY, OWNER_VALUE, TENANT_TAG } from './desired-state.js';
import { TENANT_ID_PATTERN } from './tenant-id.js';
import { TenantsError } from './tenants-error.js';

/**
 * A tenant's application is one that carries BOTH our ownership marker
 * (`client_metadata.tenants_managed_by = "auth0-tenants"`) and a valid tenant id in
 * `client_metadata.tenant`. Anything else, even with a `tenant` key, belongs to someone else on the
 * shared Auth0 tenant: never listed, changed or deleted (only `create --adopt` takes one over).
 */
export function ownedTenantOf(client: Client): string | undefined {
  const meta = client.client_metadata;
  const tag = meta?.[TENANT_TAG];
  if (client.global || meta?.[OWNER_KEY] !== OWNER_VALUE || typeof tag !== 'string' || !TENANT_ID_PATTERN.test(tag)) return undefined;
  return tag;
}

/** The applications we own for a tenant (never the global client), the survivor first (src/core/survivor-order.ts). */
export const findTagged = (clients: Client[], tenant: string): Client[] => clients.filter((c) => ownedTenantOf(c) === tenant).sort(bySurvivorOrder);

/** Every application we own, by tenant. */
export function taggedTenants(clients: Client[]): Map<string, Client[]> {
  const byTenant = new Map<string, Client[]>();
  for (const client of clients) {
    const tag = ownedTenantOf(client);
    if (tag === undefined) continue;
    byTenant.set(tag, [...(byTenant.get(tag) ?? []), client].sort(bySurvivorOrder));
  }
  return byTenant;
}

/** Applications that carry a `tenant` key in client_metadata but are not ours (no marker, or no valid id). */
export const foreignApplications = (clients: Client[]): Client[] =>
  clients.filter((c) => !c.global && c.client_metadata?.[TENANT_TAG] !== undefined && ownedTenantOf(c) === undefined);

/** Foreign applications whose `tenant` key names this tenant id. */
export const foreignClaims = (clients: Client[], tenant: string): Client[] =>
  foreignApplications(clients).filter((c) => c.client_metadata?.[TENANT_TAG] === tenant);

/** Refuses (exit 2, nothing changed) to work on a tenant id that an application we do not own claims. */
export function notOurs(tenant: string, apps: { id: string; name?: string | undefined }[] | Client[]): TenantsError {
  const ids = apps.map((a) => ('client_id' in a ? a.client_id : a.id));
  const names = apps.map((a, i) => `"${a.name ?? ''}" (${ids[i]})`).join(', ');
  return new TenantsError(
    'usage',
    'application_not_ours',
    `Application ${names} claims tenant ${tenant} but was not made by tenants (no client_metadata.${OWNER_KEY}); nothing was changed.`,
    {
      hint: `If it is yours to manage, take it over with: tenants create ${tenant} --adopt. Otherwise pick another tenant id.`,
      details: { tenant, applications: ids },
    },
  );
}

/** The error for tenants that have no application of ours (exit 2: nothing was changed). */
export const tenantNotFound = (tenants: string[], kind = 'application'): TenantsError =>
  new TenantsError('usage', 'tenant_not_found', `No ${kind} of ours ${kind === 'organization' ? 'is named' : 'is tagged for'} ${tenants.join(', ')}.`, {
    hint: `Create it with: tenants create ${tenants.join(' ')}`,
  });
