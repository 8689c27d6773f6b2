import type { Action, Binding, Client, ClientGrant, Organization, ResourceServer } from '../auth0/resources.js';
import { POST_LOGIN, type ApplicationOverrides } from './desired-state.js';
import { allScopesFor, missingScopes } from './required-scopes.js';
import { TENANT_ID_PATTERN } from './tenant-id.js';
import type { ProjectConfig } from './project-config.js';
import { tenancyFor } from './tenancy-for.js';

export interface Finding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  fix: string;
  tenant?: string;
}

/** What `tenants doctor` read; a resource it was not allowed to read is `forbidden`. */
export interface DoctorInputs {
  config: ProjectConfig;
  expectedActionCode: string;
  /** The Action's code in the dual mode of `tenants migrate to-organizations`: deployed, the project is mid-migration. */
  dualActionCode?: string | undefined;
  forbidden: string[];
  api: ResourceServer | undefined;
  action: Action | undefined;
  bindings: Binding[] | undefined;
  clients: Client[] | undefined;
  grants: ClientGrant[] | undefined;
  /** Every organization (organizations strategy; undefined when not read). */
  organizations?: Organization[] | undefined;
  /** The scopes of the Management API token (undefined when it could not be read). */
  grantedScopes?: string[] | undefined;
  /** Users carrying app_metadata.tenant (from a search; undefined when not read), by tenant id: how many. */
  usersByTenant?: Map<string, number> | undefined;
  /** For each tagged tenant: emitted file name -> whether the file on disk has the expected bytes (undefined: missing). */
  files: Record<string, Record<string, boolean | undefined>>;
  /** For each tagged tenant: the emitted files edited by hand since tenants wrote them. */
  edited?: Record<string, string[]>;
  /** For each tagged tenant: its recorded settings (from the last create or sync), as create and sync apply them. */
  overrides?: Record<string, ApplicationOverrides>;
}

const SCOPE_OF: Record<string, string> = {
  clients: 'read:clients',
  resource_servers: 'read:resource_servers',
  actions: 'read:actions',
  client_grants: 'read:client_grants',
  users: 'read:users',
  organizations: 'read:organizations',
};

/** Every problem with the setup, one finding each, with the command that fixes it. Pure. */
export function diagnose(input: DoctorInputs): Finding[] {
  const findings: Finding[] = [];
  const add = (code: string, message: string, fix: string, tenant?: string, severity: Finding['severity'] = 'error') =>
    findings.push({ code, severity, message, fix, ...(tenant ? { tenant } : {}) });
  const { config } = input;

  for (const resource of input.forbidden) {
    add(
      'scope_missing',
      `The M2M application may not read ${resource.replace('_', ' ')} (scope ${SCOPE_OF[resource]}).`,
      `Grant ${SCOPE_OF[resource]} to your M2M application: Auth0 Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications`,
    );
  }

  const missing = missingScopes(input.grantedScopes, allScopesFor(config.strategy)).filter((s) => !input.forbidden.some((r) => SCOPE_OF[r] === s));
  if (missing.length) {
    add(
      'scopes_missing',
      `The Management API token lacks ${missing.join(', ')}: create, sync, delete or users would stop at the first write.`,
      `Grant ${missing.join(' ')} to your M2M application: Auth0 Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications`,
    );
  }

  if (!input.forbidden.includes('resource_servers')) {
    if (!input.api) add('api_missing', `The shared API ${config.audience} does not exist.`, 'tenants init');
    else {
      if (input.api.signing_alg !== 'RS256')
        add('api_signing_alg', `The API signs with ${input.api.signing_alg ?? 'an unknown algorithm'}, not RS256.`, 'tenants init');
      const policy = input.api.subject_type_authorization?.user?.policy ?? 'allow_all';
      const wanted = config.requireClientGrant ? 'require_client_grant' : 'allow_all';
      if (policy !== wanted) add('api_user_policy', `The API's user access policy is ${policy}, not ${wanted}.`, 'tenants init');
    }
  }

  if (!input.forbidden.includes('actions')) {
    const action = input.action;
    if (!action) add('action_missing', `The Action "${config.actionName}" does not exist.`, 'tenants init');
    else {
      if (!action.deployed_version) add('action_not_deployed', `The Action "${config.actionName}" was never deployed.`, 'tenants init');
      else if (input.dualActionCode !== undefined && action.deployed_version.code === input.dualActionCode && config.strategy === 'applications')
        add(
          'migration_in_progress',
          'The project is in the dual state of `tenants migrate to-organizations`: the Action and tenant.json accept both per-tenant application and organization tokens.',
          'tenants migrate to-organizations --finalize (once the backends have the dual tenant.json); `tenants init` and `tenants emit` would undo the dual state',
          undefined,
          'warning',
        );
      else if (action.deployed_version.code !== input.expectedActionCode)
        add('action_code_changed', `The deployed code of "${config.actionName}" is not ours (edited in the dashboard, or an older version).`, 'tenants init');
      if (action.all_changes_deployed === false)
        add('action_draft_pending', `"${config.actionName}" has draft changes that are not deployed.`, 'tenants init', undefined, 'warning');
      const bound = (input.bindings ?? []).filter((b) => b.action?.id === action.id).length;
      if (bound === 0)
        add('binding_missing', `The Action "${config.actionName}" is not bound to the ${POST_LOGIN} flow: tokens get no tenant claim.`, 'tenants init');
      if (bound > 1) add('binding_duplicate', `The Action "${config.actionName}" is bound ${bound} times to ${POST_LOGIN}.`, 'tenants init');
    }
  }

  if (input.clients) {
    const tenancy = tenancyFor(config);
    const organizations = tenancy.strategy === 'organizations';
    const state = { clients: input.clients, api: input.api, grants: input.grants, organizations: input.organizations };
    findings.push(...tenancy.diagnoseShared(config, state));
    for (const [tenant, resources] of [...tenancy.owned(state)].sort(([a], [b]) => a.localeCompare(b))) {
      findings.push(...tenancy.diagnose(config, tenant, resources, state, input.overrides?.[tenant] ?? {}));
      const files = input.files[tenant] ?? {};
      const missing = Object.entries(files)
        .filter(([, ok]) => ok === undefined)
        .map(([n]) => n);
      const stale = Object.entries(files)
        .filter(([, ok]) => ok === false)
        .map(([n]) => n);
      if (missing.length)
        add('files_missing', `${tenant}'s ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing.`, `tenants emit ${tenant}`, tenant);
      const edited = (input.edited?.[tenant] ?? []).filter((n) => stale.includes(n));
      const migrating = findings.some((f) => f.code === 'migration_in_progress');
      if (stale.length && migrating) {
        // Mid-migration the files have the dual shape on purpose: rewriting them is the migration's job.
        add('files_stale', `${tenant}'s ${stale.join(', ')} are not the applications strategy's.`, 'tenants migrate to-organizations', tenant, 'info');
      } else if (stale.length) {
        add(
          'files_stale',
          `${tenant}'s ${stale.join(', ')} do${stale.length > 1 ? '' : 'es'} not match Auth0's current state.`,
          edited.length
            ? `tenants emit ${tenant} --force (${edited.join(', ')} ${edited.length > 1 ? 'were' : 'was'} edited by hand)`
            : `tenants emit ${tenant}`,
          tenant,
        );
      }
    }
    for (const foreign of tenancy.foreign(state)) {
      if (organizations) {
        add(
          'organization_foreign',
          `Organization "${foreign.name ?? ''}" (${foreign.id}) carries tenant metadata but not our ownership marker: not ours, left alone by every command.`,
          'Nothing to do: tenants never changes it',
          undefined,
          'info',
        );
        continue;
      }
      add(
        'application_foreign',
        `Application "${foreign.name ?? ''}" (${foreign.id}) has client_metadata.tenant=${JSON.stringify((foreign.current['client_metadata'] as Record<string, unknown> | undefined)?.['tenant'])} but no ownership marker: not ours, left alone by every command.`,
        'Nothing to do: tenants never changes it',
        undefined,
        'info',
      );
    }
    if (input.usersByTenant) {
      const claimed = new Set(input.clients.map((c) => c.client_metadata?.['tenant']).filter((t) => typeof t === 'string'));
      for (const [tenant, count] of [...input.usersByTenant].sort(([a], [b]) => a.localeCompare(b))) {
        if (claimed.has(tenant)) continue;
        const fix = TENANT_ID_PATTERN.test(tenant)
          ? `tenants delete ${tenant} --yes (detaches them), or tenants create ${tenant}`
          : `remove app_metadata.tenant from these users (not a valid tenant id)`;
        add(
          'users_orphaned',
          `${count} user(s) carry app_metadata.tenant=${JSON.stringify(tenant)} but no application is tagged for it: if one is created with that id, they are in.`,
          fix,
        );
      }
    }
    const count = input.clients.filter((c) => !c.global).length;
    const limit = config.applicationLimit;
    if (organizations) return findings; // one shared application: the application limit is not a tenant limit
    if (count >= limit)
      add(
        'application_limit',
        `${count} applications: the plan's limit of ${limit} is reached.`,
        'Delete unused applications, or raise applicationLimit after upgrading your Auth0 plan',
      );
    else if (count >= limit * 0.9)
      add(
        'application_headroom',
        `${count} of ${limit} applications used (${limit - count} left).`,
        'Plan the upgrade of your Auth0 plan, or prune tenants: tenants sync <manifest> --prune',
        undefined,
        'warning',
      );
  }
  return findings;
}
