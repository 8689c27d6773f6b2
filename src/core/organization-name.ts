import { TenantsError } from './tenants-error.js';

/** Auth0's rule for an organization's `name` (the tenant id in the organizations strategy): 1-50 of a-z, 0-9, `_`, `-`. */
export const ORGANIZATION_NAME_PATTERN = /^[a-z0-9_-]{1,50}$/;

/**
 * Refuses (exit 2, before anything is read or sent) tenant ids that cannot be an organization's name: in the
 * organizations strategy the tenant id IS the organization name, and Auth0 allows at most 50 characters.
 */
export function assertOrganizationNames(tenants: string[]): void {
  const bad = tenants.filter((t) => !ORGANIZATION_NAME_PATTERN.test(t));
  if (bad.length === 0) return;
  throw new TenantsError(
    'usage',
    'organization_name_invalid',
    `Tenant id${bad.length > 1 ? 's' : ''} ${bad.map((t) => `${JSON.stringify(t)} (${t.length} characters)`).join(', ')} cannot name an Auth0 organization: with "strategy": "organizations" a tenant id is the organization's name, 1 to 50 lower-case letters, digits, "-" and "_".`,
    { hint: 'Use a tenant id of at most 50 characters; nothing was sent.', details: { tenants: bad } },
  );
}
