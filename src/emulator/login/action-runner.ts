import { runInNewContext } from 'node:vm';
import type { Entity } from '../state.js';
import type { Tenant } from '../management/handler.js';

export interface ActionEvent {
  user: Entity;
  client: { client_id: string; name: string; metadata: Record<string, unknown> };
  resource_server?: { identifier: string };
  request: { ip: string; method: string; hostname: string; user_agent: string; query: Entity; body: Entity; language: string };
  transaction: { protocol: string; requested_scopes: string[] };
}

export interface ActionOutcome {
  accessClaims: Record<string, unknown>;
  idClaims: Record<string, unknown>;
  denied?: string;
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
}

const ACTION_TIMEOUT_MS = 5_000;

/**
 * Runs the deployed code of every Action bound to post-login, in binding order, as Auth0 does: each
 * gets `event` and `api`; `api.access.deny` stops the login. The code runs in a fresh `node:vm` context
 * with no `require` (the emulator does not install Action dependencies).
 */
export async function runPostLoginActions(tenant: Tenant, event: ActionEvent): Promise<ActionOutcome> {
  const outcome: ActionOutcome = { accessClaims: {}, idClaims: {} };
  for (const binding of tenant.state.data.bindings['post-login'] ?? []) {
    const action = tenant.state.data.actions[binding.action_id];
    const version = action?.['deployed_version'] as Entity | undefined;
    if (!version || typeof version['code'] !== 'string') continue;
    const api = {
      accessToken: {
        setCustomClaim: (name: string, value: unknown) => void (outcome.accessClaims[name] = value),
        addScope: () => undefined,
        removeScope: () => undefined,
      },
      idToken: { setCustomClaim: (name: string, value: unknown) => void (outcome.idClaims[name] = value) },
      access: { deny: (reason: string) => void (outcome.denied ??= String(reason)) },
      user: {
        setAppMetadata: (name: string, value: unknown) => void ((outcome.appMetadata ??= {})[name] = value),
        setUserMetadata: (name: string, value: unknown) => void ((outcome.userMetadata ??= {})[name] = value),
      },
      multifactor: { enable: () => undefined },
    };
    const module = { exports: {} as Record<string, unknown> };
    const sandbox = {
      module,
      exports: module.exports,
      console: { log: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      require: (name: string) => {
        throw new Error(`require('${name}') is not available in the emulator's Action runtime`);
      },
      setTimeout,
      clearTimeout,
      Buffer,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
    };
    runInNewContext(version['code'], sandbox, { filename: `action:${String(action?.['name'])}.js`, timeout: 1_000 });
    const handler = (sandbox.module.exports as Record<string, unknown>)['onExecutePostLogin'];
    if (typeof handler !== 'function') continue;
    const frozenEvent = structuredClone(event);
    await Promise.race([
      Promise.resolve(handler(frozenEvent, api)),
      new Promise((_, reject) => setTimeout(() => reject(new Error('Action timed out')), ACTION_TIMEOUT_MS).unref()),
    ]);
    if (outcome.denied !== undefined) break;
  }
  return outcome;
}
