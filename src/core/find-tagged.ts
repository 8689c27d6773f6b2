import type { Client } from '../auth0/resources.js';
import { TENANT_TAG } from './desired-state.js';
import { TenantsError } from './tenants-error.js';

/** The applications our tag names for a tenant (never the global client). Oldest first, as Auth0 lists them. */
export const findTagged = (clients: Client[], tenant: string): Client[] =>
  clients.filter((c) => !c.global && c.client_metadata?.[TENANT_TAG] === tenant);

/** Every tagged application, by tenant. */
export function taggedTenants(clients: Client[]): Map<string, Client[]> {
  const byTenant = new Map<string, Client[]>();
  for (const client of clients) {
    const tag = client.client_metadata?.[TENANT_TAG];
    if (client.global || typeof tag !== 'string') continue;
    byTenant.set(tag, [...(byTenant.get(tag) ?? []), client]);
  }
  return byTenant;
}

/** The error for tenants that have no tagged application (exit 2: nothing was changed). */
export const tenantNotFound = (tenants: string[]): TenantsError =>
  new TenantsError('usage', 'tenant_not_found', `No application is tagged for ${tenants.join(', ')}.`, {
    hint: `Create it with: tenants create ${tenants.join(' ')}`,
  });
