import type { PlanName } from '../plans.js';
import type { Entity, State } from '../state.js';

export interface Tenant {
  state: State;
  domain: string;
  /** A second host name (`localhost:<port>`) served as the tenant's custom domain: tokens obtained through it carry its issuer. */
  customDomain?: string;
  plan: PlanName;
  /** How long an Action draft stays `pending` before it is `built`. */
  actionBuildMs: number;
  /** How long a deployment takes to complete in the background (deployed_version.deployed false until then). */
  actionDeployMs?: number;
  /** How long user search trails writes, as Auth0's index does (0: immediately consistent). */
  searchLagMs?: number;
  /** The clock of lags, builds and deployments (Date.now unless a test gives its own). */
  now: () => number;
  /** False models a tenant without API access policies: subject_type_authorization is refused. */
  apiAccessPolicies?: boolean;
  /** What user search still shows of users changed within the lag: user_id -> the old view (null: not shown). */
  searchViews?: Map<string, { view: Entity | null; until: number }>;
  /** Users export jobs and their gzip files. */
  jobs?: Map<string, { job: Entity; readyAt: number; file?: Buffer }>;
}

export interface ApiRequest {
  tenant: Tenant;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Entity | undefined;
}

export interface ApiReply {
  status: number;
  body?: unknown;
}

export type Handler = (request: ApiRequest) => ApiReply | Promise<ApiReply>;

/** Handlers by the OpenAPI operationId they serve. */
export type Handlers = Record<string, Handler>;

export const ok = (body: unknown, status = 200): ApiReply => ({ status, body });
export const noContent = (): ApiReply => ({ status: 204 });
