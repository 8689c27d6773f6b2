import type { Client } from '../auth0/resources.js';
import { desiredApplication, ownedMetadata, TENANT_TAG } from './desired-state.js';
import type { Finding } from './doctor.js';
import { driftedFields } from './drift.js';
import { foreignApplications, taggedTenants } from './find-tagged.js';
import { tenantSettings } from './tenant-files.js';
import type { Tenancy, TenantResource } from './tenancy.js';
import { tenantUserQuery } from './tenant-users.js';
import { findUserGrant } from './user-grant.js';

const resource = (client: Client): TenantResource => ({ id: client.client_id, name: client.name, current: client as unknown as Record<string, unknown> });

/**
 * Application per tenant (the first strategy): a tenant is one SPA application carrying
 * `client_metadata.tenant` and our ownership marker, granted the shared API; a user belongs to it by
 * `app_metadata.tenant`; the Action puts that value in the claim and (optionally) refuses logins to another
 * tenant's application; tenant.json names the application's client id.
 */
export const applicationTenancy: Tenancy = {
  strategy: 'applications',
  owned: (state) => new Map([...taggedTenants(state.clients)].map(([tenant, apps]) => [tenant, apps.map(resource)])),
  foreign: (state, tenant) =>
    foreignApplications(state.clients)
      .filter((c) => tenant === undefined || c.client_metadata?.[TENANT_TAG] === tenant)
      .map(resource),
  marker: ownedMetadata,
  desired: desiredApplication,
  members: {
    query: tenantUserQuery,
    tenantOf: (user) => (typeof user.app_metadata?.[TENANT_TAG] === 'string' ? (user.app_metadata[TENANT_TAG] as string) : undefined),
  },
  actionReads: 'event.user.app_metadata.tenant, checked against event.client.metadata.tenant of one of our applications',
  settings: (config, tenant, app, api) => tenantSettings(config, tenant, app.id, api),
  diagnose(config, tenant, resources, state, overrides) {
    const findings: Finding[] = [];
    const add = (code: string, message: string, fix: string, severity: Finding['severity'] = 'error') =>
      findings.push({ code, severity, message, fix, tenant });
    const app = resources[0]!.current as unknown as Client;
    for (const extra of resources.slice(1)) {
      add(
        'application_duplicate',
        `${tenant} has a duplicate application of ours, ${extra.id} (two runs created it at once); ${app.client_id} is the one kept.`,
        `tenants create ${tenant} (deletes ${extra.id} and its grant, keeps ${app.client_id}; \`tenants sync\` does it too)`,
      );
    }
    // The same desired state as create and sync: the config's defaults with the tenant's recorded settings.
    const drift = driftedFields(desiredApplication(config, tenant, overrides), app);
    if (drift.length) add('application_drift', `${tenant}'s application drifted: ${drift.join(', ')}.`, `tenants create ${tenant}`);
    const insecure = [...(app.callbacks ?? []), ...(app.allowed_logout_urls ?? []), ...(app.web_origins ?? [])].filter(insecureUrl);
    if (insecure.length)
      add(
        'callbacks_insecure',
        `${tenant}'s application allows ${insecure.join(', ')}.`,
        `Use https URLs without wildcards in tenants.config.json (or the manifest), then: tenants create ${tenant}`,
      );
    if ((app.callbacks ?? []).length === 0)
      add(
        'callbacks_empty',
        `${tenant}'s application has no callback URL: nobody can log in to it.`,
        `Set application.callbacks in tenants.config.json (or: tenants init --callbacks <urls>), then: tenants create ${tenant}`,
        'warning',
      );
    if (config.requireClientGrant && state.grants && !findUserGrant(state.grants, app.client_id, config.audience)) {
      add(
        'client_grant_missing',
        `${tenant}'s application has no user client grant for ${config.audience}: its users cannot get tokens.`,
        `tenants create ${tenant}`,
      );
    }
    return findings;
  },
};

/** Exported for tests of the rule: only https (or http on loopback), never a wildcard. */
export function insecureUrl(value: string): boolean {
  if (value.includes('*')) return true;
  try {
    const url = new URL(value);
    return url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return true;
  }
}
