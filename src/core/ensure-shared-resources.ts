import type { Action, Binding, Client, ResourceServer } from '../auth0/resources.js';
import { isRetryable } from '../auth0/to-tenants-error.js';
import { isOurActionCode } from './action-code.js';
import type { ManagementPort } from '../auth0/management-port.js';
import { ACTION_RUNTIME, desiredResourceServer, POST_LOGIN } from './desired-state.js';
import { driftedFields } from './drift.js';
import { isWrite, type Step } from './plan.js';
import type { ProjectConfig } from './project-config.js';
import { removeDuplicates } from './remove-duplicates.js';
import { desiredSharedApplication, findSharedApplications } from './shared-application.js';
import { withCreationStamp } from './survivor-order.js';
import { TenantsError } from './tenants-error.js';
import { createUserGrant, findUserGrant } from './user-grant.js';

export interface SharedDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: (text: string) => void;
  /** Called once, after the reads and before the first write (checks the token's scopes, names the target). */
  beforeFirstWrite?: () => void;
}

export interface SharedOptions {
  config: ProjectConfig;
  actionCode: string;
  /** How long to wait for Auth0 to build the Action (30 to 45 s is common on real Auth0). */
  buildTimeoutMs?: number;
  /** How long to wait for a deployment to complete (Terraform waits a minute). */
  deployTimeoutMs?: number;
  pollMs?: number;
}

/**
 * `tenants init`'s plan, as data: one step per shared resource (the API, the post-login Action, its binding and,
 * under the organizations strategy, the shared application, its duplicates and its user grant), each `create`,
 * `update` (with the drifted fields) or `unchanged`; `delete` for a duplicate shared application. Made from one
 * read of Auth0 (`planSharedResources`), rendered as it is for `--dry-run`, applied by `applySharedPlan`.
 */
export interface SharedPlan {
  steps: Step[];
  /** What the reads found, for applying without reading again. */
  found: {
    api: ResourceServer | undefined;
    action: Action | undefined;
    sharedApp: Client | undefined;
  };
}

/** Reads Auth0 once and plans the shared resources; refuses someone else's Action before anything is written. */
export async function planSharedResources(port: ManagementPort, options: SharedOptions): Promise<SharedPlan> {
  const { config, actionCode } = options;
  const existing = await port.findActionByName(config.actionName);
  if (existing && !isOurActionCode(existing.code) && !isOurActionCode(existing.deployed_version?.code)) {
    throw new TenantsError(
      'usage',
      'action_not_ours',
      `An Action named "${config.actionName}" exists (${existing.id}) but its code is not ours (it does not start with the auth0-tenants header); nothing was changed.`,
      {
        hint: 'Set another "actionName" in tenants.config.json and run `tenants init` again, or rename that Action in the Auth0 dashboard if it is not needed.',
      },
    );
  }
  await checkTrigger(port);
  const steps: Step[] = [];
  // The API.
  const api = await port.findResourceServer(config.audience);
  if (!api) steps.push({ resource: 'api', action: 'create', detail: config.audience });
  else {
    const { identifier: _identifier, ...updatable } = desiredResourceServer(config, api);
    const changes = driftedFields(updatable, api);
    steps.push({
      resource: 'api',
      action: changes.length ? 'update' : 'unchanged',
      id: api.id,
      detail: config.audience,
      ...(changes.length ? { changes } : {}),
    });
  }
  // The Action: created, updated (code or runtime drifted), or deployed again (a draft not deployed, other code deployed).
  if (!existing) steps.push({ resource: 'action', action: 'create', detail: config.actionName });
  else {
    const changes = driftedFields({ code: actionCode, runtime: ACTION_RUNTIME }, existing);
    const needsDeploy = changes.length > 0 || existing.all_changes_deployed !== true || existing.deployed_version?.code !== actionCode;
    steps.push({
      resource: 'action',
      action: needsDeploy ? 'update' : 'unchanged',
      id: existing.id,
      detail: config.actionName,
      ...(needsDeploy ? { changes: changes.length ? changes : ['deployment'] } : {}),
    });
  }
  // Its binding to post-login.
  if (!existing) steps.push({ resource: 'binding', action: 'create', detail: POST_LOGIN });
  else {
    const ours = (await port.listBindings(POST_LOGIN)).filter((b) => b.action?.id === existing.id);
    steps.push({
      resource: 'binding',
      action: ours.length === 1 ? 'unchanged' : ours.length === 0 ? 'create' : 'update',
      detail: POST_LOGIN,
      ...(ours.length === 1 ? { id: ours[0]!.id } : {}),
      ...(ours.length > 1 ? { changes: ['duplicate bindings'] } : {}),
    });
  }
  // Organizations: the one shared application (duplicates deleted) and its user grant for the API.
  let sharedApp: Client | undefined;
  if (config.strategy === 'organizations') {
    const [kept, ...duplicates] = findSharedApplications(await port.listClients(), config);
    sharedApp = kept;
    const name = config.organizations.applicationName;
    if (!kept) steps.push({ resource: 'application', action: 'create', detail: name });
    else {
      const changes = driftedFields(desiredSharedApplication(config), kept);
      steps.push({
        resource: 'application',
        action: changes.length ? 'update' : 'unchanged',
        id: kept.client_id,
        detail: name,
        ...(changes.length ? { changes } : {}),
      });
    }
    for (const d of duplicates) steps.push({ resource: 'application', action: 'delete', id: d.client_id, detail: `${name} (duplicate of ${kept!.client_id})` });
    if (config.requireClientGrant) {
      const grant = kept ? findUserGrant(await port.listClientGrants({ audience: config.audience }), kept.client_id, config.audience) : undefined;
      steps.push({
        resource: 'client-grant',
        action: grant ? 'unchanged' : 'create',
        detail: `${name} -> ${config.audience}`,
        ...(grant ? { id: grant.id } : {}),
      });
    }
  }
  return { steps, found: { api, action: existing, sharedApp } };
}

/** Applies a plan of `planSharedResources` (read just before): every write it lists, in order; returns the steps with their ids. */
export async function applySharedPlan(deps: SharedDeps, options: SharedOptions, plan: SharedPlan): Promise<Step[]> {
  if (plan.steps.some(isWrite)) deps.beforeFirstWrite?.();
  const steps = plan.steps.map((s) => ({ ...s }));
  const step = (resource: Step['resource']) => steps.find((s) => s.resource === resource)!;
  const apiStep = step('api');
  if (apiStep.action !== 'unchanged') apiStep.id = await applyApi(deps, options, plan.found.api, apiStep);
  const actionId = await applyAction(deps, options, plan.found.action, step('action'));
  const bindingStep = step('binding');
  if (bindingStep.action !== 'unchanged') await ensureBinding(deps, options, actionId);
  if (options.config.strategy === 'organizations') await applySharedApplication(deps, options, plan, steps);
  return steps;
}

/** Plans and applies at once (what `init` does once it holds the lease; tests use it too). */
export async function ensureSharedResources(deps: SharedDeps, options: SharedOptions): Promise<Step[]> {
  return applySharedPlan(deps, options, await planSharedResources(deps.port, options));
}

/** The shared application of the organizations strategy: created (a lost answer settled by listing), repaired, de-duplicated, granted. */
async function applySharedApplication(deps: SharedDeps, { config }: SharedOptions, plan: SharedPlan, steps: Step[]): Promise<void> {
  const desired = desiredSharedApplication(config);
  const appStep = steps.find((s) => s.resource === 'application' && s.action !== 'delete')!;
  let clientId = plan.found.sharedApp?.client_id;
  if (appStep.action === 'create') {
    deps.progress(`Creating the shared application ${config.organizations.applicationName}`);
    for (let attempt = 1; !clientId; attempt++) {
      try {
        clientId = (await deps.port.createClient(withCreationStamp(desired, deps.now()))).client_id;
      } catch (error) {
        // A create whose answer was lost is never retried blindly: the applications are listed and the marker decides.
        if (!isRetryable(error) || attempt >= 4) throw error;
        await deps.sleep(500 * attempt);
        clientId = findSharedApplications(await deps.port.listClients(), config)[0]?.client_id;
      }
    }
    appStep.id = clientId;
  } else if (appStep.action === 'update') {
    deps.progress(`Updating the shared application (${(appStep.changes ?? []).join(', ')})`);
    const patch = Object.fromEntries((appStep.changes ?? []).map((k) => [k, desired[k]]));
    await deps.port.updateClient(clientId!, patch);
  }
  const duplicates = steps.filter((s) => s.resource === 'application' && s.action === 'delete').map((s) => s.id!);
  if (duplicates.length) await removeDuplicates(deps.port, duplicates);
  const grantStep = steps.find((s) => s.resource === 'client-grant');
  if (grantStep?.action === 'create') {
    const grant = await createUserGrant(deps, config, clientId!);
    if (grant !== 'exists') grantStep.id = grant.id;
  }
}

const TRIGGER_VERSION = 'v3';

/** Our runtime and trigger version must be ones Auth0 offers for post-login (GET /actions/triggers). */
async function checkTrigger(port: ManagementPort): Promise<void> {
  const offered = (await port.listTriggers()).filter((t) => t.id === POST_LOGIN);
  const version = offered.find((t) => t.version === TRIGGER_VERSION);
  if (!version || version.status === 'DEPRECATED' || !(version.runtimes ?? [ACTION_RUNTIME]).includes(ACTION_RUNTIME)) {
    throw new TenantsError(
      'auth0',
      'action_runtime_unsupported',
      `This Auth0 tenant does not offer the ${POST_LOGIN} trigger ${TRIGGER_VERSION} on runtime ${ACTION_RUNTIME} (offered: ${offered.map((t) => `${t.version} [${(t.runtimes ?? []).join(', ')}]${t.status ? ` ${t.status}` : ''}`).join('; ') || 'none'}).`,
      { hint: 'Update auth0-tenants to a version built for the runtimes your Auth0 tenant offers.' },
    );
  }
}

/** Auth0's answer when the tenant has no API access policies (subject_type_authorization) to set. */
function policiesUnavailable(error: unknown): TenantsError | undefined {
  if (!(error instanceof TenantsError) || error.details?.['statusCode'] !== 400 || !/subject_type_authorization/.test(error.message)) return undefined;
  return new TenantsError('usage', 'api_policies_unavailable', `This Auth0 tenant does not offer API access policies (${error.message})`, {
    hint: 'Set "requireClientGrant": false in tenants.config.json (or run `tenants init --no-require-client-grant`), then run `tenants init` again; any application of the tenant can then get tokens for the API.',
  });
}

async function applyApi({ port, progress }: SharedDeps, { config }: SharedOptions, current: ResourceServer | undefined, step: Step): Promise<string> {
  const desired = desiredResourceServer(config, current);
  if (!current) {
    progress(`Creating the API ${config.audience}`);
    const created = await port.createResourceServer(desired).catch((error: unknown) => {
      throw policiesUnavailable(error) ?? error;
    });
    return created.id;
  }
  const { identifier: _identifier, ...updatable } = desired;
  const changes = step.changes ?? [];
  progress(`Updating the API (${changes.join(', ')})`);
  await port.updateResourceServer(current.id, Object.fromEntries(changes.map((k) => [k, updatable[k]]))).catch((error: unknown) => {
    throw policiesUnavailable(error) ?? error;
  });
  return current.id;
}

/** Creates or updates the Action as planned, waits for the build, deploys and waits for the deployment; returns its id. */
async function applyAction(deps: SharedDeps, options: SharedOptions, existing: Action | undefined, step: Step): Promise<string> {
  const { port, progress } = deps;
  const { config, actionCode } = options;
  const desired = { code: actionCode, runtime: ACTION_RUNTIME, supported_triggers: [{ id: POST_LOGIN, version: 'v3' }] };
  if (step.action === 'unchanged') {
    // A deployment still completing in the background (a run stopped while waiting) is waited for.
    if (existing!.deployed_version?.deployed === false) await waitUntilDeployed(deps, existing!.id, actionCode, options);
    return existing!.id;
  }
  let action = existing;
  if (!action) {
    progress(`Creating the Action ${config.actionName}`);
    action = await port.createAction({ name: config.actionName, ...desired });
    step.id = action.id;
  } else if ((step.changes ?? []).some((c) => c !== 'deployment')) {
    progress(`Updating the Action (${(step.changes ?? []).join(', ')})`);
    action = await port.updateAction(action.id, desired);
  }
  await waitUntilBuilt(deps, action.id, options);
  progress('Deploying the Action');
  await port.deployAction(action.id);
  await waitUntilDeployed(deps, action.id, actionCode, options);
  return action.id;
}

async function waitUntilBuilt({ port, sleep, now, progress }: SharedDeps, id: string, options: SharedOptions): Promise<void> {
  const deadline = now() + (options.buildTimeoutMs ?? 120_000);
  let announced = false;
  for (;;) {
    const action = await port.getAction(id);
    if (action.status === 'built') return;
    if (action.status === 'failed') {
      throw new TenantsError('auth0', 'action_build_failed', 'Auth0 could not build the tenant-claim Action.', {
        hint: 'Open the Action in the Auth0 dashboard to see the build error, then re-run `tenants init`.',
      });
    }
    if (now() >= deadline) {
      throw new TenantsError('auth0', 'action_build_timeout', `The Action is still "${action.status ?? 'pending'}" after waiting.`, {
        hint: 'Auth0 builds can take a minute; re-run `tenants init` to continue where it stopped.',
      });
    }
    if (!announced) progress('Waiting for Auth0 to build the Action');
    announced = true;
    await sleep(options.pollMs ?? 1000);
  }
}

/**
 * Auth0 completes a deployment in the background: until `deployed_version.deployed` is true, binding
 * answers 400 ("Trying to create a binding for an action that has not been deployed yet"). Terraform
 * waits up to a minute; so do we, with progress.
 */
async function waitUntilDeployed({ port, sleep, now, progress }: SharedDeps, id: string, code: string, options: SharedOptions): Promise<void> {
  const deadline = now() + (options.deployTimeoutMs ?? 60_000);
  let announced = false;
  for (;;) {
    const version = (await port.getAction(id)).deployed_version;
    if (version?.deployed !== false && version?.code === code) return;
    if (now() >= deadline) {
      throw new TenantsError('auth0', 'action_deploy_timeout', 'Auth0 has not finished deploying the Action after waiting.', {
        hint: 'Re-run `tenants init`: it waits for the deployment and then binds the Action.',
      });
    }
    if (!announced) progress('Waiting for Auth0 to finish deploying the Action');
    announced = true;
    await sleep(options.pollMs ?? 1000);
  }
}

const BIND_ATTEMPTS = 5;

/** Adds our Action to post-login after the bindings already there (their order kept), then reads back. */
async function ensureBinding(deps: SharedDeps, options: SharedOptions, actionId: string): Promise<void> {
  const { port, progress, sleep } = deps;
  progress('Binding the Action to the post-login flow');
  for (let attempt = 1; ; attempt++) {
    const before = await port.listBindings(POST_LOGIN);
    const next = merged(before, actionId, options.config.actionName);
    try {
      await port.replaceBindings(POST_LOGIN, next);
      const after = await port.listBindings(POST_LOGIN);
      if (after.filter((b) => b.action?.id === actionId).length === 1 && sameOthers(before, after, actionId)) return;
    } catch (error) {
      // Binding right after a deploy fails now and then on Auth0: try again, but not forever.
      if (attempt >= BIND_ATTEMPTS || (error instanceof TenantsError && error.kind === 'credentials')) throw error;
    }
    if (attempt >= BIND_ATTEMPTS) {
      throw new TenantsError('auth0', 'binding_not_confirmed', 'Auth0 did not confirm the post-login binding.', {
        hint: 'Re-run `tenants init`; it binds the Action without disturbing other bindings.',
      });
    }
    await sleep(500 * attempt);
  }
}

function merged(current: Binding[], actionId: string, name: string): { actionId: string; displayName: string }[] {
  const others = current.filter((b) => b.action?.id !== actionId && b.action?.id);
  return [...others.map((b) => ({ actionId: b.action!.id, displayName: b.display_name ?? b.action!.name ?? b.action!.id })), { actionId, displayName: name }];
}

function sameOthers(before: Binding[], after: Binding[], actionId: string): boolean {
  const ids = (list: Binding[]) =>
    list
      .filter((b) => b.action?.id !== actionId)
      .map((b) => b.action?.id)
      .join(',');
  return ids(before) === ids(after);
}
