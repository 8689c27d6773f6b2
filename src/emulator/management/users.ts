import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { nowIso, type Entity } from '../state.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';
import { paginate } from './paginate.js';
import { userMatcher } from './user-search.js';

export const DATABASE_CONNECTION = 'Username-Password-Authentication';
const SEARCH_LIMIT = 1000;

export const hashPassword = (password: string): string => {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
};

export function checkPassword(user: Entity, password: string): boolean {
  const [salt, hash] = String(user['__password'] ?? ':').split(':');
  if (!salt || !hash) return false;
  return timingSafeEqual(Buffer.from(hash, 'hex'), scryptSync(password, Buffer.from(salt, 'hex'), 32));
}

export function findUser(tenant: Tenant, id: string): Entity {
  const user = tenant.state.data.users[id];
  if (!user) throw new ApiError(404, 'inexistent_user', 'The user does not exist.');
  return user;
}

/** Auth0's metadata merge: first level only; nested objects are replaced; `null` deletes a key. */
export function mergeMetadata(current: Entity | undefined, patch: Entity): Entity {
  const merged: Entity = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Auth0's user search is eventually consistent: with a search lag, a user changed (or created, or
 * deleted) less than `searchLagMs` ago is still found as it was before (or not at all, or still there).
 * Call before every change to a user.
 */
export function beforeUserChange(tenant: Tenant, id: string): void {
  const lag = tenant.searchLagMs ?? 0;
  if (lag <= 0) return;
  const views = (tenant.searchViews ??= new Map());
  const now = tenant.now();
  const pending = views.get(id);
  const current = tenant.state.data.users[id];
  // Keep the oldest view still within the lag; otherwise the index shows the user as it is now.
  const view = pending && pending.until > now ? pending.view : current ? structuredClone(current) : null;
  views.set(id, { view, until: now + lag });
}

/** The users as the search index shows them now. */
function searchable(tenant: Tenant): Entity[] {
  const views = tenant.searchViews;
  if (!views || views.size === 0) return Object.values(tenant.state.data.users);
  const now = tenant.now();
  const shown: Entity[] = [];
  for (const [id, user] of Object.entries(tenant.state.data.users)) {
    const pending = views.get(id);
    if (pending && pending.until > now) {
      if (pending.view) shown.push(pending.view);
    } else shown.push(user);
  }
  for (const [id, pending] of views) {
    if (pending.until <= now) views.delete(id);
    else if (!tenant.state.data.users[id] && pending.view) shown.push(pending.view);
  }
  return shown;
}

function createUser(tenant: Tenant, body: Entity): Entity {
  if (body['connection'] !== DATABASE_CONNECTION) {
    throw new ApiError(400, 'inexistent_connection', 'The connection does not exist.');
  }
  const email = typeof body['email'] === 'string' ? body['email'].toLowerCase() : undefined;
  if (!email) throw new ApiError(400, 'invalid_body', "Payload validation error: 'Missing required property: email'.");
  if (typeof body['password'] !== 'string') throw new ApiError(400, 'invalid_body', "Payload validation error: 'Missing required property: password'.");
  if (body['password'].length < 8) throw new ApiError(400, 'invalid_password', 'PasswordStrengthError: Password is too weak');
  if (Object.values(tenant.state.data.users).some((u) => u['email'] === email)) {
    throw new ApiError(409, 'auth0_idp_error', 'The user already exists.');
  }
  const id = typeof body['user_id'] === 'string' ? body['user_id'] : randomBytes(12).toString('hex');
  const now = nowIso();
  const { password, connection, user_id, ...fields } = body;
  const user: Entity = {
    email_verified: false,
    name: email,
    nickname: email.split('@')[0],
    picture: 'https://cdn.auth0.com/avatars/default.png',
    ...fields,
    email,
    user_id: `auth0|${id}`,
    identities: [{ connection, user_id: id, provider: 'auth0', isSocial: false }],
    created_at: now,
    updated_at: now,
    logins_count: 0,
    __password: hashPassword(password),
  };
  beforeUserChange(tenant, String(user['user_id']));
  tenant.state.data.users[String(user['user_id'])] = user;
  return user;
}

export const userHandlers: Handlers = {
  post_users: ({ tenant, body = {} }) => {
    const user = createUser(tenant, body);
    tenant.state.commit();
    return ok(user, 201);
  },
  get_users_by_id: ({ tenant, params }) => ok(findUser(tenant, params['id'] ?? '')),
  patch_users_by_id: ({ tenant, params, body = {} }) => {
    const user = findUser(tenant, params['id'] ?? '');
    beforeUserChange(tenant, String(user['user_id']));
    const { app_metadata, user_metadata, password, connection, ...rest } = body;
    if (app_metadata !== undefined) user['app_metadata'] = mergeMetadata(user['app_metadata'] as Entity, app_metadata as Entity);
    if (user_metadata !== undefined) user['user_metadata'] = mergeMetadata(user['user_metadata'] as Entity, user_metadata as Entity);
    if (typeof password === 'string') user['__password'] = hashPassword(password);
    if (typeof rest['email'] === 'string') rest['email'] = rest['email'].toLowerCase();
    Object.assign(user, rest, { updated_at: nowIso() });
    tenant.state.commit();
    return ok(user);
  },
  delete_users_by_id: ({ tenant, params }) => {
    beforeUserChange(tenant, params['id'] ?? '');
    delete tenant.state.data.users[params['id'] ?? ''];
    tenant.state.commit();
    return noContent();
  },
  get_users: ({ tenant, query }) => {
    let users = searchable(tenant);
    if (typeof query['q'] === 'string' && query['q'].trim() !== '') users = users.filter(userMatcher(query['q']));
    if (typeof query['connection'] === 'string') {
      users = users.filter((u) => (u['identities'] as Entity[]).some((i) => i['connection'] === query['connection']));
    }
    return ok(paginate(users, query, 'users', { withLength: true, maxResults: SEARCH_LIMIT }));
  },
  // Immediate, and exact as stored (the SDK documents it as case-sensitive; emails are stored lower-cased).
  'get_users-by-email': ({ tenant, query }) => {
    const email = String(query['email'] ?? '');
    return ok(Object.values(tenant.state.data.users).filter((u) => u['email'] === email));
  },
};
