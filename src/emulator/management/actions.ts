import { ApiError } from '../api-error.js';
import { newUuid, nowIso, type Binding, type Entity } from '../state.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';

const MAX_BINDINGS_PER_TRIGGER = 20;
const MAX_ACTIONS = 100;

/**
 * A draft is `pending` until its build time has passed, then `built` (fields with `__` are never
 * served); one created with `deploy: true` is deployed as soon as it is built, as on Auth0.
 */
function refreshBuild(tenant: Tenant, action: Entity): Entity {
  const pending = action['deployed_version'] as Entity | undefined;
  if (pending && pending['deployed'] === false && tenant.now() >= Number(pending['__deployedAt'])) {
    // The background deployment completed: this version is the deployed one now.
    for (const v of tenant.state.data.actionVersions[String(action['id'])] ?? []) v['deployed'] = v['id'] === pending['id'];
    pending['deployed'] = true;
    delete pending['__deployedAt'];
  }
  if (action['status'] === 'pending' && tenant.now() >= Number(action['__readyAt'])) {
    action['status'] = 'built';
    action['built_at'] = nowIso();
    if (action['__deployWhenBuilt']) {
      delete action['__deployWhenBuilt'];
      deploy(tenant, action);
    }
  }
  return action;
}

/** The trigger versions and runtimes this tenant offers (GET /actions/triggers), as Auth0 lists them. */
export const TRIGGERS = [
  { id: 'post-login', version: 'v3', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
  { id: 'post-login', version: 'v2', status: 'DEPRECATED', runtimes: ['node12', 'node16', 'node18'], default_runtime: 'node18', compatible_triggers: [] },
  { id: 'credentials-exchange', version: 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
  { id: 'pre-user-registration', version: 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
  { id: 'post-user-registration', version: 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
  { id: 'post-change-password', version: 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
  { id: 'send-phone-message', version: 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] },
];

/** Refuses a runtime or trigger version the tenant does not offer, as Auth0 does. */
function checkRuntime(body: Entity): void {
  const triggers = (body['supported_triggers'] as Entity[] | undefined) ?? [];
  const runtime = body['runtime'];
  for (const t of triggers) {
    const offered = TRIGGERS.find((x) => x.id === t['id'] && x.version === t['version']);
    if (!offered) throw new ApiError(400, 'invalid_body', `Trigger ${String(t['id'])} version ${String(t['version'])} is not supported.`);
    if (typeof runtime === 'string' && !offered.runtimes.includes(runtime)) {
      throw new ApiError(
        400,
        'invalid_body',
        `Runtime ${runtime} is not supported by trigger ${String(t['id'])} ${String(t['version'])}; supported: ${offered.runtimes.join(', ')}.`,
      );
    }
  }
}

function deploy(tenant: Tenant, action: Entity): Entity {
  const versions = (tenant.state.data.actionVersions[String(action['id'])] ??= []);
  const now = nowIso();
  const deployMs = tenant.actionDeployMs ?? 0;
  const version: Entity = {
    id: newUuid(),
    action_id: action['id'],
    code: action['code'],
    dependencies: action['dependencies'],
    runtime: action['runtime'],
    secrets: action['secrets'],
    supported_triggers: action['supported_triggers'],
    deployed: deployMs <= 0,
    number: versions.length + 1,
    status: 'built',
    built_at: action['built_at'],
    created_at: now,
    updated_at: now,
    ...(deployMs > 0 ? { __deployedAt: tenant.now() + deployMs } : {}),
  };
  if (deployMs <= 0) for (const v of versions) v['deployed'] = false;
  versions.push(version);
  action['all_changes_deployed'] = true;
  action['deployed_version'] = version;
  version['action'] = base(action);
  tenant.state.commit();
  return version;
}

export function findAction(tenant: Tenant, id: string): Entity {
  const action = tenant.state.data.actions[id];
  if (!action) throw new ApiError(404, 'action_not_found', 'Action not found.');
  return refreshBuild(tenant, action);
}

const base = (a: Entity): Entity => ({
  id: a['id'],
  name: a['name'],
  supported_triggers: a['supported_triggers'],
  all_changes_deployed: a['all_changes_deployed'],
  created_at: a['created_at'],
  updated_at: a['updated_at'],
});

function presentBinding(tenant: Tenant, b: Binding): Entity {
  const action = tenant.state.data.actions[b.action_id];
  return {
    id: b.id,
    trigger_id: b.trigger_id,
    display_name: b.display_name,
    created_at: b.created_at,
    updated_at: b.updated_at,
    ...(action ? { action: refreshBuild(tenant, action) } : {}),
  };
}

const bindingsOf = (tenant: Tenant, trigger: string): Binding[] => (tenant.state.data.bindings[trigger] ??= []);

function isBound(tenant: Tenant, actionId: string): boolean {
  return Object.values(tenant.state.data.bindings).some((list) => list.some((b) => b.action_id === actionId));
}

export const actionHandlers: Handlers = {
  get_triggers: () => ok({ triggers: TRIGGERS }),
  post_action: ({ tenant, body = {} }) => {
    checkRuntime({ runtime: 'node22', ...body });
    const actions = tenant.state.data.actions;
    if (Object.values(actions).some((a) => a['name'] === body['name'])) {
      throw new ApiError(409, 'action_conflict', `An action with the name '${String(body['name'])}' already exists.`);
    }
    if (Object.keys(actions).length >= MAX_ACTIONS) throw new ApiError(403, 'too_many_entities', 'You reached the limit of 100 actions for this tenant.');
    const { deploy: deployWhenBuilt, ...fields } = body;
    const now = nowIso();
    const action: Entity = {
      id: newUuid(),
      code: 'module.exports = () => {}',
      dependencies: [],
      runtime: 'node22',
      secrets: [],
      ...fields,
      status: 'pending',
      all_changes_deployed: false,
      created_at: now,
      updated_at: now,
      __readyAt: tenant.now() + tenant.actionBuildMs,
      ...(deployWhenBuilt ? { __deployWhenBuilt: true } : {}),
    };
    actions[String(action['id'])] = action;
    tenant.state.commit();
    return ok(action, 201);
  },
  get_action: ({ tenant, params }) => ok(findAction(tenant, params['id'] ?? '')),
  get_actions: ({ tenant, query }) => {
    const all = Object.values(tenant.state.data.actions)
      .map((a) => refreshBuild(tenant, a))
      .filter(
        (a) =>
          (query['actionName'] === undefined || a['name'] === query['actionName']) &&
          (query['triggerId'] === undefined || (a['supported_triggers'] as Entity[]).some((t) => t['id'] === query['triggerId'])) &&
          (query['deployed'] === undefined || Boolean(a['deployed_version']) === query['deployed']),
      );
    const page = Number(query['page'] ?? 0);
    const perPage = Number(query['per_page'] ?? 50);
    return ok({ actions: all.slice(page * perPage, page * perPage + perPage), total: all.length, page, per_page: perPage });
  },
  patch_action: ({ tenant, params, body = {} }) => {
    const action = findAction(tenant, params['id'] ?? '');
    checkRuntime({ runtime: action['runtime'], supported_triggers: action['supported_triggers'], ...body });
    Object.assign(action, body, {
      status: 'pending',
      all_changes_deployed: false,
      updated_at: nowIso(),
      __readyAt: tenant.now() + tenant.actionBuildMs,
    });
    tenant.state.commit();
    return ok(action);
  },
  post_deploy_action: ({ tenant, params }) => {
    const action = findAction(tenant, params['id'] ?? '');
    if (action['status'] !== 'built') {
      throw new ApiError(400, 'invalid_action_state', "A draft must be in the 'built' state before it can be deployed.");
    }
    return ok(deploy(tenant, action), 202);
  },
  delete_action: ({ tenant, params, query }) => {
    const id = params['id'] ?? '';
    findAction(tenant, id);
    if (isBound(tenant, id)) {
      if (query['force'] !== true)
        throw new ApiError(409, 'action_bound', 'Cannot delete an action that is bound to a trigger; remove the binding first or use force=true.');
      for (const trigger of Object.keys(tenant.state.data.bindings)) {
        tenant.state.data.bindings[trigger] = bindingsOf(tenant, trigger).filter((b) => b.action_id !== id);
      }
    }
    delete tenant.state.data.actions[id];
    delete tenant.state.data.actionVersions[id];
    tenant.state.commit();
    return noContent();
  },
  get_bindings: ({ tenant, params, query }) => {
    const trigger = params['triggerId'] ?? '';
    const all = bindingsOf(tenant, trigger).map((b) => presentBinding(tenant, b));
    const page = Number(query['page'] ?? 0);
    const perPage = Number(query['per_page'] ?? 20);
    return ok({ bindings: all.slice(page * perPage, page * perPage + perPage), total: all.length, page, per_page: perPage });
  },
  patch_bindings: ({ tenant, params, body = {} }) => {
    const trigger = params['triggerId'] ?? '';
    const items = (body['bindings'] ?? []) as { ref: { type?: string; value?: string }; display_name?: string }[];
    if (items.length > MAX_BINDINGS_PER_TRIGGER) {
      throw new ApiError(400, 'too_many_bindings', `A trigger can have at most ${MAX_BINDINGS_PER_TRIGGER} bound actions.`);
    }
    const current = bindingsOf(tenant, trigger);
    const now = nowIso();
    const next = items.map((item): Binding => {
      const type = item.ref.type ?? 'action_name';
      const value = String(item.ref.value ?? '');
      const existing = type === 'binding_id' ? current.find((b) => b.id === value) : undefined;
      if (type === 'binding_id' && !existing) throw new ApiError(404, 'binding_not_found', `Binding ${value} not found.`);
      const action = existing
        ? tenant.state.data.actions[existing.action_id]
        : type === 'action_id'
          ? tenant.state.data.actions[value]
          : Object.values(tenant.state.data.actions).find((a) => a['name'] === value);
      if (!action) throw new ApiError(404, 'action_not_found', `Action ${value} not found.`);
      if (!(action['supported_triggers'] as Entity[]).some((t) => t['id'] === trigger)) {
        throw new ApiError(400, 'invalid_binding', `Action ${String(action['name'])} does not support the ${trigger} trigger.`);
      }
      refreshBuild(tenant, action);
      const deployed = action['deployed_version'] as Entity | undefined;
      if (
        !deployed ||
        (deployed['deployed'] === false && !(tenant.state.data.actionVersions[String(action['id'])] ?? []).some((v) => v['deployed'] === true))
      ) {
        // Auth0's answer while a deployment is still completing in the background (auth0-deploy-cli #385).
        throw new ApiError(400, 'invalid_argument', 'Trying to create a binding for an action that has not been deployed yet');
      }
      const kept = existing ?? current.find((b) => b.action_id === action['id']);
      return {
        id: kept?.id ?? newUuid(),
        trigger_id: trigger,
        action_id: String(action['id']),
        display_name: item.display_name ?? kept?.display_name ?? String(action['name']),
        created_at: kept?.created_at ?? now,
        updated_at: now,
      };
    });
    tenant.state.data.bindings[trigger] = next;
    tenant.state.commit();
    return ok({ bindings: next.map((b) => presentBinding(tenant, b)) });
  },
};
