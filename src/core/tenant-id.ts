import { TenantsError } from './tenants-error.js';

export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Refuses anything that is not a tenant id (upper case, `../x`, spaces, empty, too long) before any I/O. */
export function parseTenantIds(values: string[]): string[] {
  if (values.length === 0) throw new TenantsError('usage', 'missing_tenant', 'Name at least one tenant.', { hint: 'Example: tenants create acme' });
  for (const value of values) {
    if (!TENANT_ID_PATTERN.test(value)) {
      throw new TenantsError('usage', 'invalid_tenant_id', `Invalid tenant id ${JSON.stringify(value)}.`, {
        hint: 'A tenant id is 1 to 63 lower-case letters, digits and inner hyphens, e.g. "acme" or "globex-eu".',
      });
    }
  }
  return [...new Set(values)];
}
