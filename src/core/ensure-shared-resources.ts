import type { Action, Binding } from '../auth0/resources.js';
import { isOurActionCode } from './action-code.js';
import type { ManagementPort } from '../auth0/management-port.js';
import { ACTION_RUNTIME, desiredResourceServer, POST_LOGIN } from './desired-state.js';
import { driftedFields } from './drift.js';
import type { Step } from './plan.js';
import type { ProjectConfig } from './project-config.js';
import { retry } from './retry.js';
import { RETRY_POLICIES } from './retry-policies.js';
import { TenantsError } from './tenants-error.js';

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
  dryRun: boolean;
  /** How long to wait for Auth0 to build the Action (30 to 45 s is common on real Auth0). */
  buildTimeoutMs?: number;
  /** How long to wait for a deployment to complete (Terraform waits a minute). */
  deployTimeoutMs?: number;
  pollMs?: number;
}

/**
 * `tenants init` against Auth0: the shared API, the post-login Action (built, deployed) and its binding,
 * each created, repaired or left alone. Re-running converges and, when nothing drifted, writes nothing.
 */
export async function ensureSharedResources(deps: SharedDeps, options: SharedOptions): Promise<Step[]> {
  // Read first and refuse someone else's Action before anything is written.
  const existing = await deps.port.findActionByName(options.config.actionName);
  if (existing && !isOurActionCode(existing.code) && !isOurActionCode(existing.deployed_version?.code)) {
    throw new TenantsError(
      'usage',
      'action_not_ours',
      `An Action named "${options.config.actionName}" exists (${existing.id}) but its code is not ours (it does not start with the auth0-tenants header); nothing was changed.`,
      {
        hint: 'Set another "actionName" in tenants.config.json and run `tenants init` again, or rename that Action in the Auth0 dashboard if it is not needed.',
      },
    );
  }
  await checkTrigger(deps.port);
  if (!options.dryRun) deps.beforeFirstWrite?.();
  const api = await ensureApi(deps, options);
  const { step: actionStep, actionId } = await ensureAction(deps, options, existing);
  const binding = actionId ? await ensureBinding(deps, options, actionId) : { resource: 'binding' as const, action: 'create' as const };
  return [api, actionStep, binding];
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

async function ensureApi({ port, progress }: SharedDeps, { config, dryRun }: SharedOptions): Promise<Step> {
  const current = await port.findResourceServer(config.audience);
  const desired = desiredResourceServer(config, current);
  if (!current) {
    if (dryRun) return { resource: 'api', action: 'create', detail: config.audience };
    progress(`Creating the API ${config.audience}`);
    const created = await port.createResourceServer(desired).catch((error: unknown) => {
      throw policiesUnavailable(error) ?? error;
    });
    return { resource: 'api', action: 'create', id: created.id, detail: config.audience };
  }
  const { identifier, ...updatable } = desired;
  const changes = driftedFields(updatable, current);
  if (changes.length === 0) return { resource: 'api', action: 'unchanged', id: current.id, detail: config.audience };
  if (!dryRun) {
    progress(`Updating the API (${changes.join(', ')})`);
    await port.updateResourceServer(current.id, Object.fromEntries(changes.map((k) => [k, updatable[k]]))).catch((error: unknown) => {
      throw policiesUnavailable(error) ?? error;
    });
  }
  return { resource: 'api', action: 'update', id: current.id, changes, detail: config.audience };
}

async function ensureAction(deps: SharedDeps, options: SharedOptions, existing: Action | undefined): Promise<{ step: Step; actionId?: string }> {
  const { port, progress } = deps;
  const { config, actionCode, dryRun } = options;
  const desired = { code: actionCode, runtime: ACTION_RUNTIME, supported_triggers: [{ id: POST_LOGIN, version: 'v3' }] };
  let action = existing;
  let step: Step;
  if (!action) {
    if (dryRun) return { step: { resource: 'action', action: 'create', detail: config.actionName } };
    progress(`Creating the Action ${config.actionName}`);
    action = await port.createAction({ name: config.actionName, ...desired });
    step = { resource: 'action', action: 'create', id: action.id, detail: config.actionName };
  } else {
    const changes = driftedFields({ code: desired.code, runtime: desired.runtime }, action);
    const deployedCode = action.deployed_version?.code;
    const needsDeploy = changes.length > 0 || action.all_changes_deployed !== true || deployedCode !== actionCode;
    if (!needsDeploy) {
      // A deployment still completing in the background (a run stopped while waiting) is waited for.
      if (!dryRun && action.deployed_version?.deployed === false) await waitUntilDeployed(deps, action.id, actionCode, options);
      return { step: { resource: 'action', action: 'unchanged', id: action.id, detail: config.actionName }, actionId: action.id };
    }
    step = { resource: 'action', action: 'update', id: action.id, changes: changes.length ? changes : ['deployment'], detail: config.actionName };
    if (dryRun) return { step, actionId: action.id };
    if (changes.length > 0) {
      progress(`Updating the Action (${changes.join(', ')})`);
      action = await port.updateAction(action.id, desired);
    }
  }
  await waitUntilBuilt(deps, action.id, options);
  progress('Deploying the Action');
  await port.deployAction(action.id);
  await waitUntilDeployed(deps, action.id, actionCode, options);
  return { step, actionId: action.id };
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

/** Adds our Action to post-login after the bindings already there (their order kept), then reads back. */
async function ensureBinding(deps: SharedDeps, options: SharedOptions, actionId: string): Promise<Step> {
  const { port, progress } = deps;
  const current = await port.listBindings(POST_LOGIN);
  const ours = current.filter((b) => b.action?.id === actionId);
  if (ours.length === 1) return { resource: 'binding', action: 'unchanged', id: ours[0]?.id, detail: POST_LOGIN };
  const step: Step = {
    resource: 'binding',
    action: ours.length === 0 ? 'create' : 'update',
    detail: POST_LOGIN,
    ...(ours.length > 1 ? { changes: ['duplicate bindings'] } : {}),
  };
  if (options.dryRun) return step;
  progress('Binding the Action to the post-login flow');
  // Binding right after a deploy fails now and then on Auth0: tried again (RETRY_POLICIES.binding), not forever.
  await retry(
    async (attempt) => {
      const before = attempt === 1 ? current : await port.listBindings(POST_LOGIN);
      await port.replaceBindings(POST_LOGIN, merged(before, actionId, options.config.actionName));
      const after = await port.listBindings(POST_LOGIN);
      if (after.filter((b) => b.action?.id === actionId).length === 1 && sameOthers(before, after, actionId)) return;
      throw new TenantsError('auth0', 'binding_not_confirmed', 'Auth0 did not confirm the post-login binding.', {
        hint: 'Re-run `tenants init`; it binds the Action without disturbing other bindings.',
      });
    },
    RETRY_POLICIES.binding,
    deps,
  );
  return step;
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
