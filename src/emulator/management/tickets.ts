import { randomBytes } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { hash } from '../login/pipeline.js';
import { ok, type Handlers } from './handler.js';
import { findUser } from './users.js';

/** Auth0's default lifetime of a password-change ticket: 5 days. */
const DEFAULT_TTL_S = 432000;

/**
 * `POST /tickets/password-change` (`create:user_tickets`): a single-use link to the tenant's password page,
 * `https://{domain}/lo/reset?ticket=...#`, as Auth0 answers it. The user is named by `user_id` (or `email` with
 * `connection_id`, never both); `result_url` (where the page sends the user afterwards) cannot be combined with
 * `client_id` or `organization_id`; `ttl_sec` 0 means the default.
 */
export const ticketHandlers: Handlers = {
  'post_password-change': ({ tenant, body = {} }) => {
    const userId = body['user_id'];
    if (userId !== undefined && (body['email'] !== undefined || body['connection_id'] !== undefined)) {
      throw new ApiError(400, 'invalid_body', 'Payload validation error: user_id cannot be used together with email or connection_id.');
    }
    if (body['result_url'] !== undefined && (body['client_id'] !== undefined || body['organization_id'] !== undefined)) {
      throw new ApiError(400, 'invalid_body', 'Payload validation error: result_url cannot be used together with client_id or organization_id.');
    }
    if (userId === undefined) {
      if (body['email'] === undefined) throw new ApiError(400, 'invalid_body', "Payload validation error: 'Missing required property: user_id'.");
      if (body['connection_id'] === undefined)
        throw new ApiError(400, 'invalid_body', 'Payload validation error: connection_id is required when email is used.');
      throw new ApiError(404, 'inexistent_connection', 'The connection does not exist.');
    }
    const user = findUser(tenant, String(userId));
    const ttl = Number(body['ttl_sec'] ?? 0) || DEFAULT_TTL_S;
    const ticket = randomBytes(24).toString('base64url');
    tenant.state.data.grants[`ticket:${hash(ticket)}`] = {
      type: 'password-ticket',
      userId: user['user_id'],
      resultUrl: body['result_url'],
      clientId: body['client_id'],
      markEmailVerified: body['mark_email_as_verified'] === true,
      includeEmail: body['includeEmailInRedirect'] === true,
      exp: Math.floor(Date.now() / 1000) + ttl,
    };
    tenant.state.commit();
    return ok({ ticket: `https://${tenant.domain}/lo/reset?ticket=${ticket}#` }, 201);
  },
};
