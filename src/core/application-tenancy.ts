import type { Client } from '../auth0/resources.js';
import { desiredApplication, ownedMetadata, repairPatch, TENANT_TAG } from './desired-state.js';
import type { Finding } from './doctor.js';
import { driftedFields } from './drift.js';
import { findTagged, foreignApplications, notOurs, taggedTenants } from './find-tagged.js';
import { inviteUsers, ticketResultUrl } from './invite-users.js';
import { readCurrentState, requiresClientGrant } from './provision-tenants.js';
import { removeDuplicates } from './remove-duplicates.js';
import { withCreationStamp } from './survivor-order.js';
import { tenantSettings } from './tenant-files.js';
import type { Tenancy, TenantResource } from './tenancy.js';
import { listTenantUsers, releaseTenantUsers, tenantUserQuery } from './tenant-users.js';
import { createUserGrant, findUserGrant } from './user-grant.js';

const tenantOf = (user: { app_metadata?: Record<string, unknown> | undefined }): string | undefined =>
  typeof user.app_metadata?.[TENANT_TAG] === 'string' ? (user.app_metadata[TENANT_TAG] as string) : undefined;

const resource = (client: Client): TenantResource => ({ id: client.client_id, name: client.name, current: client as unknown as Record<string, unknown> });

/**
 * Application per tenant (the first strategy): a tenant is one SPA application carrying
 * `client_metadata.tenant` and our ownership marker, granted the shared API; a user belongs to it by
 * `app_metadata.tenant`; the Action puts that value in the claim and (optionally) refuses logins to another
 * tenant's application; tenant.json names the application's client id.
 */
export const applicationTenancy: Tenancy = {
  strategy: 'applications',
  resourceKind: 'application',
  checkIds: () => undefined,
  async read(port, config, options = {}) {
    if (!options.optionalApi) return readCurrentState(port, config);
    const [api, clients, grants] = await Promise.all([
      port.findResourceServer(config.audience),
      port.listClients(),
      port.listClientGrants({ audience: config.audience }),
    ]);
    return { api, clients, grants };
  },
  owned: (state) => new Map([...taggedTenants(state.clients)].map(([tenant, apps]) => [tenant, apps.map(resource)])),
  foreign: (state, tenant) =>
    foreignApplications(state.clients)
      .filter((c) => tenant === undefined || c.client_metadata?.[TENANT_TAG] === tenant)
      .map(resource),
  notOurs: (tenant, resources) => notOurs(tenant, resources),
  marker: ownedMetadata,
  desired: (config, tenant, overrides) => desiredApplication(config, tenant, overrides),
  driftOf: (desired) => desired,
  grantMissing: (_config, state, app) =>
    state.api !== undefined && requiresClientGrant(state.api) && (app === undefined || !findUserGrant(state.grants ?? [], app.id)),
  create: async (port, _config, _tenant, desired, now) => resource(await port.createClient(withCreationStamp(desired, now))),
  async update(port, app, desired, changes, tenant) {
    await port.updateClient(app.id, repairPatch(desired, changes, tenant));
  },
  remove: (port, ids) => removeDuplicates(port, ids),
  async recover(port, state, tenants) {
    const clients = await port.listClients();
    state.clients.splice(0, state.clients.length, ...clients);
    const found = new Map<string, TenantResource>();
    for (const tenant of tenants) {
      const app = findTagged(clients, tenant)[0];
      if (app) found.set(tenant, resource(app));
    }
    return found;
  },
  async ensureGrant(deps, config, app) {
    await createUserGrant(deps, config, app.id);
  },
  members: {
    query: tenantUserQuery,
    tenantOf,
    count: async (port, tenant) => (await port.searchUsers(tenantUserQuery(tenant), 0, 1)).total,
    async countByTenant(port) {
      const counts = new Map<string, number>();
      for (let page = 0; page < 10; page++) {
        const { users } = await port.searchUsers(`_exists_:app_metadata.${TENANT_TAG}`, page, 100);
        for (const user of users) {
          const tenant = tenantOf(user);
          if (tenant !== undefined) counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
        }
        if (users.length < 100) break;
      }
      return counts;
    },
    list: (port, tenant) => listTenantUsers(port, tenant),
    tenantsOf: async (_port, users) => new Map(users.map((u) => [u.user_id, [tenantOf(u)].filter((t): t is string => t !== undefined)])),
    async add(port, tenant, _app, users) {
      for (const u of users) await port.updateAppMetadata(u.userId, { [TENANT_TAG]: tenant });
    },
    async remove(port, _tenant, _app, userIds) {
      for (const id of userIds) await port.updateAppMetadata(id, { [TENANT_TAG]: null });
    },
    release: (deps, tenant, _app, options) => releaseTenantUsers(deps, tenant, options),
  },
  async invite(port, _config, tenant, app, emails, options) {
    const invited = await inviteUsers(port, tenant, emails, { move: options.move, resultUrl: ticketResultUrl(app.current as unknown as Client) });
    return invited.map((i) => ({ ...i, url: i.ticketUrl }));
  },
  actionReads: 'event.user.app_metadata.tenant, checked against event.client.metadata.tenant of one of our applications',
  actionMode: 'applications',
  settings: (config, tenant, app, state) => tenantSettings(config, tenant, app.id, state.api),
  describe(_config, _tenant, [app, ...duplicates], state) {
    const client = app!.current as unknown as Client;
    const grant = findUserGrant(state.grants ?? [], app!.id);
    return {
      clientId: app!.id,
      name: client.name ?? '',
      duplicates: duplicates.map((d) => d.id),
      application: {
        appType: client.app_type,
        callbacks: client.callbacks ?? [],
        logoutUrls: client.allowed_logout_urls ?? [],
        webOrigins: client.web_origins ?? [],
      },
      clientGrant: state.api && requiresClientGrant(state.api) ? (grant ? { id: grant.id, audience: grant.audience } : null) : 'not required',
    };
  },
  diagnoseShared: () => [],
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
