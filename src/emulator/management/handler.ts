import type { PlanName } from '../plans.js';
import type { Entity, State } from '../state.js';

export interface Tenant {
  state: State;
  domain: string;
  plan: PlanName;
  /** How long an Action draft stays `pending` before it is `built`. */
  actionBuildMs: number;
}

export interface ApiRequest {
  tenant: Tenant;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Entity | undefined;
}

export interface ApiReply { status: number; body?: unknown }

export type Handler = (request: ApiRequest) => ApiReply | Promise<ApiReply>;

/** Handlers by the OpenAPI operationId they serve. */
export type Handlers = Record<string, Handler>;

export const ok = (body: unknown, status = 200): ApiReply => ({ status, body });
export const noContent = (): ApiReply => ({ status: 204 });
