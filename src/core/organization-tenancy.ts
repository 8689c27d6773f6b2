import type { Body, ManagementPort } from '../auth0/management-port.js';
import type { Client, Organization } from '../auth0/resources.js';
import { desiredOrganization, organizationDriftFields } from './desired-organization.js';
import { OWNER_KEY, OWNER_VALUE, ownedMetadata, TENANT_TAG } from './desired-state.js';
import type { Finding } from './doctor.js';
import { driftedFields } from './drift.js';
import { assertOrganizationNames } from './organization-name.js';
import type { ProjectConfig } from './project-config.js';
import { desiredSharedApplication, findSharedApplications } from './shared-application.js';
import { organizationTenantSettings } from './tenant-files.js';
import { TENANT_ID_PATTERN } from './tenant-id.js';
import type { InviteResult, Member, ReleaseOutcome, Tenancy, TenancyState, TenantResource } from './tenancy.js';
import { TenantsError } from './tenants-error.js';
import { findUserGrant } from './user-grant.js';

/** Auth0 adds and removes organization members at most this many per request. */
export const MEMBERS_PER_REQUEST = 10;

const resource = (org: Organization): TenantResource => ({ id: org.id, name: org.name, current: org as unknown as Record<string, unknown> });

/** The tenant an organization is, when it is ours: our marker in `metadata`, and `metadata.tenant` equal to its `name`. */
export function ownedOrganizationTenant(org: Organization): string | undefined {
  const meta = org.metadata ?? {};
  if (meta[OWNER_KEY] !== OWNER_VALUE || meta[TENANT_TAG] !== org.name || !TENANT_ID_PATTERN.test(org.name)) return undefined;
  return org.name;
}

/** Splits a list into Auth0's member batches (10 per request). */
export function inBatches<T>(items: readonly T[], size = MEMBERS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** The shared application of the project, or a usage error saying that `tenants init` makes it. */
export function sharedApplicationOf(state: Pick<TenancyState, 'clients'>, config: ProjectConfig): Client {
  const app = findSharedApplications(state.clients, config)[0];
  if (!app) {
    throw new TenantsError(
      'usage',
      'shared_application_missing',
      `The shared application of the organizations strategy ("${config.organizations.applicationName}", for ${config.audience}) does not exist.`,
      { hint: 'Run `tenants init` first: it creates the shared application and its grant.' },
    );
  }
  return app;
}

const ourOrganizations = (state: TenancyState): Organization[] => (state.organizations ?? []).filter((o) => ownedOrganizationTenant(o) !== undefined);

/** Reads the connection ids every tenant's organization enables; a configured name that does not exist is refused (exit 2). */
async function connectionIds(port: ManagementPort, config: ProjectConfig): Promise<string[]> {
  const ids: string[] = [];
  for (const name of [config.organizations.databaseConnection, ...config.organizations.connections]) {
    const connection = await port.findConnection(name);
    if (!connection) {
      throw new TenantsError('usage', 'connection_missing', `No connection named "${name}" exists in this Auth0 tenant; nothing was changed.`, {
        hint: 'Fix "organizations.databaseConnection" / "organizations.connections" in tenants.config.json.',
      });
    }
    if (!ids.includes(connection.id)) ids.push(connection.id);
  }
  return ids;
}

/**
 * Organizations (Auth0's recommended multi-tenancy): a tenant is one Auth0 organization named by the tenant id,
 * owned through our marker in its `metadata`, with the database connection (and the configured ones) enabled;
 * every tenant logs in through one shared SPA application (`organization_usage: require`, made by `init` with its
 * user grant on the API); a user belongs to a tenant by organization membership; the Action takes the claim from
 * `event.organization`; tenant.json (schemaVersion 2) names the organization id and the shared application.
 */
export const organizationTenancy: Tenancy = {
  strategy: 'organizations',
  resourceKind: 'organization',
  checkIds: assertOrganizationNames,
  async read(port, config, options = {}) {
    const api = await port.findResourceServer(config.audience);
    if (!api && !options.optionalApi) {
      throw new TenantsError('auth0', 'api_missing', `The shared API ${config.audience} does not exist in Auth0.`, { hint: 'Run `tenants init` first.' });
    }
    const [clients, grants, organizations] = await Promise.all([
      port.listClients(),
      port.listClientGrants({ audience: config.audience }),
      port.listOrganizations(),
    ]);
    return { api, clients, grants, organizations, ...(options.forWrite ? { connectionIds: await connectionIds(port, config) } : {}) };
  },
  owned: (state) => new Map(ourOrganizations(state).map((o) => [o.name, [resource(o)]])),
  foreign: (state, tenant) =>
    (state.organizations ?? [])
      .filter((o) => ownedOrganizationTenant(o) === undefined)
      .filter((o) => (tenant === undefined ? o.metadata?.[TENANT_TAG] !== undefined || o.metadata?.[OWNER_KEY] !== undefined : o.name === tenant))
      .map(resource),
  notOurs: (tenant, resources) =>
    new TenantsError(
      'usage',
      'organization_not_ours',
      `Organization ${resources.map((r) => `"${r.name ?? ''}" (${r.id})`).join(', ')} is named like tenant ${tenant} but was not made by tenants (no metadata.${OWNER_KEY}); nothing was changed.`,
      {
        hint: `If it is yours to manage, take it over with: tenants create ${tenant} --adopt. Otherwise pick another tenant id.`,
        details: { tenant, organizations: resources.map((r) => r.id) },
      },
    ),
  marker: ownedMetadata,
  desired: (config, tenant, overrides, state) => desiredOrganization(config, tenant, state?.connectionIds ?? [], overrides),
  driftOf: organizationDriftFields,
  grantMissing: () => false,
  async create(port, _config, tenant, desired) {
    try {
      return resource(await port.createOrganization(desired));
    } catch (error) {
      // 409: the name is taken. Ours (a create whose answer was lost, or a concurrent run's): converge on it.
      if (!(error instanceof TenantsError && error.details?.['statusCode'] === 409)) throw error;
      const existing = await port.getOrganizationByName(tenant);
      if (!existing) throw error;
      if (ownedOrganizationTenant(existing) === undefined) throw organizationTenancy.notOurs(tenant, [resource(existing)]);
      return resource(existing);
    }
  },
  async update(port, target, desired, changes, tenant) {
    const patch: Body = Object.fromEntries(changes.map((k) => [k, desired[k]]));
    // Auth0 merges organization metadata at the top level: sending only our keys keeps everyone else's.
    if (patch['metadata']) patch['metadata'] = ownedMetadata(tenant);
    delete patch['enabled_connections'];
    if (Object.keys(patch).length) await port.updateOrganization(target.id, patch);
    // Our marker was missing or wrong (an adopted organization): its connections were not set by us, so enable ours.
    if (changes.includes('metadata')) {
      const wanted = ((desired['enabled_connections'] as { connection_id: string }[] | undefined) ?? []).map((c) => c.connection_id);
      const enabled = await port.listOrganizationConnections(target.id);
      for (const id of wanted.filter((w) => !enabled.includes(w))) await port.enableOrganizationConnection(target.id, id);
    }
  },
  async remove(port, ids) {
    for (const id of ids) await port.deleteOrganization(id);
    return ids.length;
  },
  async recover(port, state, tenants) {
    const found = new Map<string, TenantResource>();
    for (const tenant of tenants) {
      const org = await port.getOrganizationByName(tenant);
      if (!org || ownedOrganizationTenant(org) === undefined) continue;
      state.organizations = [...(state.organizations ?? []).filter((o) => o.id !== org.id), org];
      found.set(tenant, resource(org));
    }
    return found;
  },
  ensureGrant: async () => undefined,
  members: {
    query: (tenant) => `organization:${tenant}`,
    tenantOf: () => undefined,
    count: async (port, _tenant, org) => (await port.listOrganizationMembers(org.id)).length,
    list: async (port, _tenant, org) => (await port.listOrganizationMembers(org.id)).map((m): Member => ({ user_id: m.user_id, email: m.email })),
    async tenantsOf(port, users) {
      const result = new Map<string, string[]>();
      for (const user of users) {
        const orgs = await port.listUserOrganizations(user.user_id);
        result.set(
          user.user_id,
          orgs.map(ownedOrganizationTenant).filter((t): t is string => t !== undefined),
        );
      }
      return result;
    },
    async add(port, _tenant, org, users, state) {
      const byName = new Map(ourOrganizations(state).map((o) => [o.name, o.id]));
      const leaving = new Map<string, string[]>();
      for (const u of users) for (const from of u.from) leaving.set(from, [...(leaving.get(from) ?? []), u.userId]);
      for (const batch of inBatches(users.map((u) => u.userId))) await port.addOrganizationMembers(org.id, batch);
      // Moved users leave their other organizations only once they are in this one: a stopped run loses nobody.
      for (const [from, ids] of leaving) {
        const orgId = byName.get(from);
        if (orgId) for (const batch of inBatches(ids)) await port.removeOrganizationMembers(orgId, batch);
      }
    },
    async remove(port, _tenant, org, userIds) {
      for (const batch of inBatches(userIds)) await port.removeOrganizationMembers(org.id, batch);
    },
    async release(deps, tenant, org, options): Promise<ReleaseOutcome> {
      if (!org) return { released: 0, confirmations: 0, usedExport: false };
      let released = 0;
      let confirmations = 0;
      for (let round = 1; ; round++) {
        const members = await deps.port.listOrganizationMembers(org.id);
        confirmations++;
        if (members.length === 0) return { released, confirmations, usedExport: false };
        if (round > 5) {
          throw new TenantsError(
            'auth0',
            'users_not_confirmed',
            `Organization ${org.id} of ${tenant} still lists ${members.length} member(s) after removing them.`,
            {
              hint: "Auth0's member lists are eventually consistent. Re-run the same command: it resumes and confirms.",
              details: { tenant, shown: members.length, released },
            },
          );
        }
        if (round > 1) await deps.sleep(1000 * round);
        const ids = members.map((m) => m.user_id);
        if (options.deleteUsers) {
          for (const id of ids) await deps.port.deleteUser(id);
        } else {
          for (const batch of inBatches(ids)) await deps.port.removeOrganizationMembers(org.id, batch);
        }
        released += ids.length;
        deps.progress(`${tenant}: ${released} member(s) ${options.deleteUsers ? 'deleted' : 'detached'}`);
      }
    },
  },
  async invite(port, config, tenant, org, emails, options, state) {
    const app = sharedApplicationOf(state, config);
    if (typeof (app as { initiate_login_uri?: unknown }).initiate_login_uri !== 'string') {
      throw new TenantsError(
        'usage',
        'login_uri_missing',
        `The shared application has no Application Login URI (initiate_login_uri): Auth0 sends invitations only to an https one.`,
        { hint: 'Set "organizations.loginUri" (https://...) in tenants.config.json, then run `tenants init`.' },
      );
    }
    // Read first: who exists, and in which of our tenants; refuse moves without --move before any write.
    const found = new Map<string, { user_id: string } | undefined>();
    for (const email of emails)
      found.set(
        email,
        (await port.findUsersByEmail(email)).find((u) => u.email === email),
      );
    const existing = [...found.values()].filter((u): u is { user_id: string } => u !== undefined);
    const tenantsOf = await organizationTenancy.members.tenantsOf(port, existing as never, state);
    const elsewhere = (userId: string) => (tenantsOf.get(userId) ?? []).filter((t) => t !== tenant);
    const refused = emails.filter((e) => found.get(e) && elsewhere(found.get(e)!.user_id).length > 0);
    if (refused.length && !options.move) {
      throw new TenantsError(
        'usage',
        'user_in_other_tenant',
        refused.map((e) => `${e} is a member of ${elsewhere(found.get(e)!.user_id).join(', ')}`).join('; ') + '.',
        { hint: `Pass --move to move them to ${tenant}; nothing was changed.` },
      );
    }
    const results: InviteResult[] = [];
    for (const email of emails) {
      const user = found.get(email);
      const from = user ? elsewhere(user.user_id) : [];
      const member = user ? (tenantsOf.get(user.user_id) ?? []).includes(tenant) : false;
      if (user && from.length) await organizationTenancy.members.add(port, tenant, { id: org.id, current: {} }, [{ userId: user.user_id, from }], state);
      const invitation = await port.createOrganizationInvitation(org.id, {
        inviter: { name: options.inviter ?? 'auth0-tenants' },
        invitee: { email },
        client_id: app.client_id,
        ...(state.connectionIds?.[0] ? { connection_id: state.connectionIds[0] } : {}),
        ttl_sec: options.ttlSec ?? 0,
        send_invitation_email: options.sendEmail ?? false,
      });
      results.push({
        email,
        ...(user ? { userId: user.user_id } : {}),
        created: false,
        action: from.length ? 'move' : member ? 'unchanged' : 'invited',
        from: from[0] ?? null,
        url: invitation.invitation_url,
        invitationId: invitation.id,
      });
    }
    return results;
  },
  actionReads: 'event.organization.metadata.tenant of an organization with our marker (logins to the shared application without one are denied)',
  actionMode: 'organizations',
  settings: (config, tenant, org, state) =>
    organizationTenantSettings(
      config,
      tenant,
      { organizationId: org.id, organizationName: tenant, clientIds: [sharedApplicationOf(state, config).client_id] },
      state.api,
    ),
  describe: (config, _tenant, [org], state) => ({
    organization: { id: org!.id, name: org!.name, displayName: org!.current['display_name'] ?? null },
    sharedApplication: findSharedApplications(state.clients, config)[0]?.client_id ?? null,
  }),
  diagnose(config, tenant, resources, state, overrides) {
    const findings: Finding[] = [];
    const org = resources[0]!;
    const drift = driftedFields(organizationDriftFields(desiredOrganization(config, tenant, [], overrides)), org.current);
    if (drift.length)
      findings.push({
        code: 'organization_drift',
        severity: 'error',
        message: `${tenant}'s organization drifted: ${drift.join(', ')}.`,
        fix: `tenants create ${tenant}`,
        tenant,
      });
    void state;
    return findings;
  },
  diagnoseShared(config, state) {
    const findings: Finding[] = [];
    const add = (code: string, message: string, fix: string, severity: Finding['severity'] = 'error') => findings.push({ code, severity, message, fix });
    const apps = findSharedApplications(state.clients, config);
    if (apps.length === 0) {
      add(
        'shared_application_missing',
        `The shared application "${config.organizations.applicationName}" of the organizations strategy does not exist.`,
        'tenants init',
      );
      return findings;
    }
    const [app, ...extra] = apps;
    for (const e of extra)
      add('shared_application_duplicate', `The shared application has a duplicate, ${e.client_id}; ${app!.client_id} is the one kept.`, 'tenants init');
    const drift = driftedFields(desiredSharedApplication(config), app!);
    if (drift.length) add('shared_application_drift', `The shared application drifted: ${drift.join(', ')}.`, 'tenants init');
    if ((app!.callbacks ?? []).length === 0)
      add(
        'callbacks_empty',
        'The shared application has no callback URL: nobody can log in to it.',
        'Set application.callbacks in tenants.config.json (or: tenants init --callbacks <urls>), then: tenants init',
        'warning',
      );
    if (config.requireClientGrant && state.grants && !findUserGrant(state.grants, app!.client_id, config.audience))
      add('client_grant_missing', `The shared application has no user client grant for ${config.audience}: its users cannot get tokens.`, 'tenants init');
    return findings;
  },
};
