import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JWK } from 'jose';
import { ApiError } from './api-error.js';
import { freshState } from './fresh-state.js';
import { sendJson } from './http.js';
import { serveAuthentication } from './authentication.js';
import type { Tenant } from './management/handler.js';
import { serveManagementApi } from './management-api.js';
import { DATABASE_CONNECTION, userHandlers } from './management/users.js';
import { EXPORT_PATH, exportDownload } from './management/jobs.js';
import { OpenApiSpec } from './openapi.js';
import type { PlanName } from './plans.js';
import { RateLimiter } from './rate-limiter.js';
import { RATE_LIMIT_GROUPS, rateLimitGroup, type RateLimitGroup } from '../auth0/rate-limit-group.js';
import { SigningKeys } from './signing.js';
import { State } from './state.js';
import { generateTlsMaterial, type TlsMaterial } from './tls.js';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Persist the tenant here across restarts; in memory when absent. */
  stateFile?: string;
  /** Management API budget in requests per second (Auth0 answers 429 past it). */
  rateLimit?: number;
  /** Budgets of endpoint groups (requests per second), each its own bucket beside the global one, e.g. `{ 'organizations-write': 0.4 }`. */
  rateLimitGroups?: Partial<Record<RateLimitGroup, number>>;
  /** The tenant setting `allow_organization_name_in_authentication_api` at start (PATCH /api/v2/tenants/settings changes it). */
  allowOrganizationNames?: boolean;
  /** Serve `localhost:<port>` as the tenant's custom domain (tokens obtained through it carry its issuer). Default true. */
  customDomain?: boolean;
  latencyMs?: number;
  /** Share of Management API requests answered with a random fault: 429, 500, 503 or a dropped connection. */
  failRate?: number;
  plan?: PlanName;
  actionBuildMs?: number;
  /** Deployments complete in the background after this long (Auth0: binding before then answers 400). */
  actionDeployMs?: number;
  /** User search trails writes by this long, as Auth0's index does. */
  searchLagMs?: number;
  /** false: a tenant without API access policies (subject_type_authorization refused). */
  apiAccessPolicies?: boolean;
  /** Reuse a certificate (tests share one across emulators); generated when absent. */
  tls?: TlsMaterial;
  /** Where to write the CA PEM; a new temporary directory when absent. */
  caCertFile?: string;
  random?: () => number;
  /** The clock of the emulator's lags, Action builds and deployments, and rate limits (tests move a fake one instead of waiting). */
  now?: () => number;
}

export interface RequestRecord {
  method: string;
  path: string;
  operationId: string | undefined;
  status: number;
}

export interface RunningEmulator {
  domain: string;
  url: string;
  /** The custom domain (`localhost:<port>`), when served. */
  customDomain: string | undefined;
  caCertFile: string;
  clientId: string;
  clientSecret: string;
  tenant: Tenant;
  spec: OpenApiSpec;
  /** Every Management API request answered so far, in order. */
  requests: RequestRecord[];
  /** The ready line the `tenants emulator` command prints. */
  readyLine(): string;
  /** Changes the share of faulted Management API requests from now on (tests turn faults on after setup). */
  setFailRate(rate: number): void;
  /** Adds a database user as `POST /api/v2/users` would (for the demo, which has no users command yet). */
  createUser(user: { email: string; password: string; app_metadata?: Record<string, unknown> }): Promise<string>;
  close(): Promise<void>;
}

const DEFAULT_RATE_LIMIT = 1000;
let sharedSpec: OpenApiSpec | undefined;

/** Starts a local Auth0 tenant on HTTPS. Resolves when it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const spec = (sharedSpec ??= new OpenApiSpec());
  const tls = options.tls ?? (await generateTlsMaterial());
  const state = await State.load(options.stateFile, freshState);
  const keys = await SigningKeys.load(state.data.signingKeys as JWK[]);
  const now = options.now ?? Date.now;
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, undefined, now);
  const groupLimiters = new Map<RateLimitGroup, RateLimiter>();
  for (const [group, rps] of Object.entries(options.rateLimitGroups ?? {})) {
    if (!RATE_LIMIT_GROUPS.includes(group as RateLimitGroup)) throw new Error(`Unknown rate-limit group "${group}"; known: ${RATE_LIMIT_GROUPS.join(', ')}.`);
    if (!(Number(rps) > 0)) throw new Error(`The rate limit of group "${group}" must be a positive number of requests per second.`);
    groupLimiters.set(group as RateLimitGroup, new RateLimiter(Number(rps), undefined, now));
  }
  if (options.allowOrganizationNames !== undefined) {
    state.data.tenantSettings = { ...(state.data.tenantSettings ?? {}), allow_organization_name_in_authentication_api: options.allowOrganizationNames };
    state.commit();
  }
  const tenant: Tenant = {
    state,
    domain: '',
    plan: options.plan ?? 'self-service',
    actionBuildMs: options.actionBuildMs ?? 300,
    actionDeployMs: options.actionDeployMs ?? 0,
    searchLagMs: options.searchLagMs ?? 0,
    apiAccessPolicies: options.apiAccessPolicies ?? true,
    now,
  };
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  let failRate = options.failRate ?? 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The custom domain is the same tenant under another host name: requests through it see that host.
    const host = req.headers.host === tenant.customDomain ? tenant.customDomain : tenant.domain;
    const url = new URL(req.url ?? '/', `https://${host}`);
    if (options.latencyMs) await sleep(options.latencyMs);
    if (url.pathname.startsWith('/api/v2/')) {
      const { allowed, headers, group } = takeBudget(limiter, groupLimiters, req.method ?? 'GET', url.pathname);
      const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, operationId: undefined, status: 0 };
      requests.push(record);
      if (!allowed) {
        record.status = 429;
        const error = new ApiError(429, 'too_many_requests', group ? 'Too Many Requests' : 'Global limit has been reached');
        return sendJson(res, 429, error.toBody(), headers);
      }
      const fault = failRate && random() < failRate ? pickFault(random) : undefined;
      if (fault === 'drop-before') return void req.socket.destroy();
      if (fault === 429 || fault === 503 || fault === 500) {
        record.status = fault;
        return sendJson(
          res,
          fault,
          new ApiError(
            fault,
            fault === 429 ? 'too_many_requests' : 'server_error',
            fault === 429 ? 'Global limit has been reached' : 'Service temporarily unavailable',
          ).toBody(),
          headers,
        );
      }
      if (fault === 'drop-after') {
        // The write happens, the answer is lost: what makes retried creates dangerous on real Auth0.
        const sink = { writeHead: () => sink, end: () => req.socket.destroy(), setHeader: () => undefined } as unknown as ServerResponse;
        record.operationId = await serveManagementApi(req, sink, url, tenant, spec, keys, headers);
        return;
      }
      record.operationId = await serveManagementApi(req, res, url, tenant, spec, keys, headers);
      record.status = res.statusCode;
      return;
    }
    if (url.pathname.startsWith(EXPORT_PATH) && req.method === 'GET') {
      const file = exportDownload(tenant, url.pathname);
      if (!file) return sendJson(res, 404, { statusCode: 404, error: 'Not Found', message: 'No such export file.' });
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(file.length) });
      return void res.end(file);
    }
    await serveAuthentication(req, res, url, tenant, keys);
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, error: 'Internal Server Error', message: String(error), errorCode: 'server_error' });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  tenant.domain = `${host}:${port}`;
  if (options.customDomain !== false && host === '127.0.0.1') tenant.customDomain = `localhost:${port}`;
  adoptDomain(state, tenant.domain);

  const tempDir = options.caCertFile ? undefined : mkdtempSync(join(tmpdir(), 'auth0-tenants-emulator-'));
  const caCertFile = options.caCertFile ?? join(tempDir ?? '', 'ca.pem');
  if (!existsSync(caCertFile) || readFileSync(caCertFile, 'utf8') !== tls.cert) writeFileSync(caCertFile, tls.cert);
  const m2m = state.data.clients[state.data.managementClientId] ?? {};

  const clientId = state.data.managementClientId;
  const clientSecret = String(m2m['client_secret']);
  const domain = tenant.domain;
  return {
    domain,
    url: `https://${domain}`,
    customDomain: tenant.customDomain,
    caCertFile,
    clientId,
    clientSecret,
    tenant,
    spec,
    requests,
    setFailRate(rate) {
      failRate = rate;
    },
    async createUser(user) {
      const reply = await userHandlers['post_users']!({ tenant, params: {}, query: {}, body: { connection: DATABASE_CONNECTION, ...user } });
      return String((reply.body as Record<string, unknown>)['user_id']);
    },
    readyLine() {
      return JSON.stringify({ domain, ...(tenant.customDomain ? { customDomain: tenant.customDomain } : {}), caCertFile, clientId, clientSecret });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * A request spends from the global bucket and, when its endpoint belongs to a limited group, from that group's
 * bucket too; it is refused when either is empty. The answer carries the group's x-ratelimit-* headers (its own
 * budget) and the global ones otherwise.
 */
function takeBudget(
  global: RateLimiter,
  groups: Map<RateLimitGroup, RateLimiter>,
  method: string,
  path: string,
): { allowed: boolean; headers: Record<string, string>; group?: RateLimitGroup } {
  const group = rateLimitGroup(method, path);
  const groupLimiter = group ? groups.get(group) : undefined;
  if (!groupLimiter) return global.take();
  const outer = global.peek();
  if (!outer) return global.take();
  const inner = groupLimiter.take();
  if (inner.allowed) global.take();
  return { allowed: inner.allowed, headers: inner.headers, ...(group ? { group } : {}) };
}

type Fault = 429 | 500 | 503 | 'drop-before' | 'drop-after';
function pickFault(random: () => number): Fault {
  const faults: Fault[] = [429, 500, 503, 'drop-before', 'drop-after'];
  return faults[Math.floor(random() * faults.length)] ?? 500;
}

/** The Management API's identifier is `https://{domain}/api/v2/`; a restart on another port moves it. */
function adoptDomain(state: State, domain: string): void {
  const system = Object.values(state.data.resourceServers).find((rs) => rs['is_system']);
  if (!system) return;
  const previous = system['identifier'];
  const identifier = `https://${domain}/api/v2/`;
  if (previous === identifier) return;
  system['identifier'] = identifier;
  for (const grant of Object.values(state.data.clientGrants)) if (grant['audience'] === previous) grant['audience'] = identifier;
  state.commit();
}
