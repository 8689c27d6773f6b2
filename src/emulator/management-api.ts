import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { readBody, sendJson, queryObject } from './http.js';
import { actionHandlers } from './management/actions.js';
import { clientGrantHandlers } from './management/client-grants.js';
import { clientHandlers } from './management/clients.js';
import { jobHandlers } from './management/jobs.js';
import type { Handlers, Tenant } from './management/handler.js';
import { resourceServerHandlers } from './management/resource-servers.js';
import { ticketHandlers } from './management/tickets.js';
import { userHandlers } from './management/users.js';
import type { OpenApiSpec } from './openapi.js';
import type { SigningKeys } from './signing.js';

const HANDLERS: Handlers = {
  ...clientHandlers,
  ...resourceServerHandlers,
  ...clientGrantHandlers,
  ...actionHandlers,
  ...userHandlers,
  ...jobHandlers,
  ...ticketHandlers,
};

/**
 * `/api/v2/*`: routed and validated by the published OpenAPI document, authorised by bearer token and
 * scope as Auth0 does (401, then 403 insufficient_scope), then answered by the handler of the operation.
 */
export async function serveManagementApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  tenant: Tenant,
  spec: OpenApiSpec,
  keys: SigningKeys,
  headers: Record<string, string>,
): Promise<string | undefined> {
  const path = url.pathname.slice('/api/v2'.length) || '/';
  const op = spec.match(req.method ?? 'GET', path);
  try {
    if (!op) {
      if (spec.hasPath(path)) throw new ApiError(405, 'method_not_allowed', 'Method not allowed');
      throw new ApiError(404, 'not_found', 'Not Found');
    }
    const scopes = await authorize(req, tenant, keys);
    if (op.scopes.length > 0 && !op.scopes.some((s) => scopes.includes(s))) {
      throw new ApiError(403, 'insufficient_scope', `Insufficient scope, expected any of: ${op.scopes.join(',')}`);
    }
    const query = op.validateQuery(queryObject(url));
    let body: Record<string, unknown> | undefined;
    try {
      body = await readBody(req);
    } catch {
      throw new ApiError(400, 'invalid_body', 'Invalid request payload JSON format');
    }
    op.validateBody(body);
    const handler = HANDLERS[op.operationId];
    if (!handler) throw new ApiError(501, 'not_implemented', `The emulator does not implement ${op.operationId}.`);
    const reply = await handler({ tenant, params: op.pathParams, query, body });
    sendJson(res, reply.status, reply.body, headers);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendJson(res, error.statusCode, error.toBody(), { ...headers, ...error.headers });
  }
  return op?.operationId;
}

async function authorize(req: IncomingMessage, tenant: Tenant, keys: SigningKeys): Promise<string[]> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ApiError(401, 'missing_authentication', 'Missing authentication');
  try {
    const payload = await keys.verify(match[1], `https://${tenant.domain}/`, `https://${tenant.domain}/api/v2/`);
    return typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
  } catch (error) {
    const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw new ApiError(401, expired ? 'token_expired' : 'invalid_token', expired ? 'Expired token received for JSON Web Token validation' : 'Invalid token');
  }
}
