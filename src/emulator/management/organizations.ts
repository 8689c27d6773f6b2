import { randomBytes } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { newId, type Entity, type StateData } from '../state.js';
import { byCodePoint, checkpointPage } from './checkpoint-page.js';
import { DATABASE_CONNECTION_ENTITY } from './connections.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';
import { paginate } from './paginate.js';
import { beforeUserChange, findUser } from './users.js';

/** Auth0: organization names are 1-50 lower-case letters, digits, `-` and `_`. */
export const ORGANIZATION_NAME = /^[a-z0-9_-]{1,50}$/;
/** Offset paging of organizations and members stops at 1,000 records (checkpoint paging has no cap). */
const OFFSET_LIMIT = 1000;
const PAGING_MESSAGE = `Requesting page exceeds the allowed maximum of ${OFFSET_LIMIT} records`;
/** Members are added and removed at most this many per request. */
export const MEMBERS_PER_REQUEST = 10;
const INVITATION_TTL_DEFAULT_S = 7 * 24 * 3600;

type OrgState = Required<Pick<StateData, 'organizations' | 'organizationMembers' | 'organizationInvitations'>>;

/** The organization tables, created on first use (a state file saved before organizations existed has none). */
export function orgState(tenant: Tenant): OrgState {
  const data = tenant.state.data;
  data.organizations ??= {};
  data.organizationMembers ??= {};
  data.organizationInvitations ??= {};
  return data as OrgState;
}

export function findOrganization(tenant: Tenant, id: string): Entity {
  const org = orgState(tenant).organizations[id];
  if (!org) throw new ApiError(404, 'inexistent_organization', 'No organization found by that id or name');
  return org;
}

export const organizationByName = (tenant: Tenant, name: string): Entity | undefined =>
  Object.values(orgState(tenant).organizations).find((o) => o['name'] === name);

export const isMember = (tenant: Tenant, orgId: string, userId: string): boolean => (orgState(tenant).organizationMembers[orgId] ?? []).includes(userId);

/** Adds members (a no-op for those already in), as `POST /organizations/{id}/members` does. */
export function addMembers(tenant: Tenant, orgId: string, userIds: string[]): void {
  const members = (orgState(tenant).organizationMembers[orgId] ??= []);
  for (const id of userIds) if (!members.includes(id)) members.push(id);
}

/** The organization as the API answers it: what was stored, without enabled connections (they have their own routes). */
function view(org: Entity): Entity {
  const { __connections, ...rest } = org;
  return rest;
}

function checkName(name: unknown): void {
  if (typeof name === 'string' && !ORGANIZATION_NAME.test(name)) {
    throw new ApiError(
      400,
      'invalid_body',
      `Payload validation error: 'Object didn't pass validation for format organization-name: ${name}' on property name.`,
    );
  }
}

function checkUnique(tenant: Tenant, name: unknown, except?: string): void {
  const other = typeof name === 'string' ? organizationByName(tenant, name) : undefined;
  if (other && other['id'] !== except) throw new ApiError(409, 'conflict', 'An organization with this name already exists.');
}

/** Metadata: string values (null removes a key on update), at most 25 keys (the spec checks each value's length). */
function mergeMetadata(current: Entity | undefined, patch: Entity | undefined): Entity | undefined {
  if (patch === undefined) return current;
  const merged: Entity = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > 25) {
    throw new ApiError(
      400,
      'invalid_body',
      `Payload validation error: 'Too many properties defined (${Object.keys(merged).length}), maximum 25' on property metadata.`,
    );
  }
  return merged;
}

type EnabledConnection = { connection_id: string; assign_membership_on_login: boolean; show_as_button: boolean; is_signup_enabled: boolean };

function enabledConnection(body: Entity): EnabledConnection {
  const id = String(body['connection_id']);
  if (id !== DATABASE_CONNECTION_ENTITY.id) throw new ApiError(404, 'inexistent_connection', `The connection does not exist: ${id}`);
  return {
    connection_id: id,
    assign_membership_on_login: body['assign_membership_on_login'] === true,
    show_as_button: body['show_as_button'] !== false,
    is_signup_enabled: body['is_signup_enabled'] === true,
  };
}

const connectionView = (c: EnabledConnection): Entity => ({
  ...c,
  connection: { name: DATABASE_CONNECTION_ENTITY.name, strategy: DATABASE_CONNECTION_ENTITY.strategy },
});
const connectionsOf = (org: Entity): EnabledConnection[] => (org['__connections'] as EnabledConnection[] | undefined) ?? [];

function memberIds(body: Entity | undefined): string[] {
  const members = (body?.['members'] as string[] | undefined) ?? [];
  if (members.length > MEMBERS_PER_REQUEST) {
    throw new ApiError(
      400,
      'invalid_body',
      `Payload validation error: 'Array is too long (${members.length}), maximum ${MEMBERS_PER_REQUEST}' on property members.`,
    );
  }
  return members;
}

const memberView = (user: Entity): Entity => ({ user_id: user['user_id'], email: user['email'], picture: user['picture'], name: user['name'] });

function pickFields(item: Entity, query: Record<string, unknown>): Entity {
  if (typeof query['fields'] !== 'string') return item;
  const fields = query['fields'].split(',');
  const include = query['include_fields'] !== false;
  return Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k) === include));
}

function invitationView(invitation: Entity): Entity {
  const { __ticket, ...rest } = invitation;
  return rest;
}

export const organizationHandlers: Handlers = {
  post_organizations: ({ tenant, body = {} }) => {
    checkName(body['name']);
    checkUnique(tenant, body['name']);
    const connections = ((body['enabled_connections'] as Entity[] | undefined) ?? []).map(enabledConnection);
    const id = `org_${newId(12).slice(0, 16)}`;
    const { enabled_connections, metadata, ...fields } = body;
    const org: Entity = {
      id,
      ...fields,
      ...(metadata !== undefined ? { metadata: mergeMetadata(undefined, metadata as Entity) } : {}),
      __connections: connections,
    };
    const state = orgState(tenant);
    state.organizations[id] = org;
    state.organizationMembers[id] = [];
    tenant.state.commit();
    return ok({ ...view(org), ...(connections.length > 0 ? { enabled_connections: connections.map(connectionView) } : {}) }, 201);
  },
  get_organizations: ({ tenant, query }) => {
    const orgs = Object.values(orgState(tenant).organizations)
      .sort((a, b) => byCodePoint(String(a['id']), String(b['id'])))
      .map(view);
    if (query['from'] !== undefined || query['take'] !== undefined) return ok(checkpointPage(orgs, (o) => String(o['id']), query, 'organizations'));
    return ok(paginate(orgs, query, 'organizations', { maxResults: OFFSET_LIMIT, pagingMessage: PAGING_MESSAGE }));
  },
  get_organizations_by_id: ({ tenant, params }) => ok(view(findOrganization(tenant, params['id'] ?? ''))),
  get_name_by_name: ({ tenant, params }) => {
    const org = organizationByName(tenant, params['name'] ?? '');
    if (!org) throw new ApiError(404, 'inexistent_organization', 'No organization found by that id or name');
    return ok(view(org));
  },
  patch_organizations_by_id: ({ tenant, params, body = {} }) => {
    const org = findOrganization(tenant, params['id'] ?? '');
    checkName(body['name']);
    checkUnique(tenant, body['name'], String(org['id']));
    const { metadata, ...fields } = body;
    Object.assign(org, fields);
    if (metadata !== undefined) org['metadata'] = mergeMetadata(org['metadata'] as Entity | undefined, metadata as Entity);
    tenant.state.commit();
    return ok(view(org));
  },
  delete_organizations_by_id: ({ tenant, params }) => {
    const id = params['id'] ?? '';
    const state = orgState(tenant);
    findOrganization(tenant, id);
    delete state.organizations[id];
    delete state.organizationMembers[id];
    for (const [key, invitation] of Object.entries(state.organizationInvitations))
      if (invitation['organization_id'] === id) delete state.organizationInvitations[key];
    tenant.state.commit();
    return noContent();
  },

  post_members: ({ tenant, params, body }) => {
    const id = params['id'] ?? '';
    findOrganization(tenant, id);
    const members = memberIds(body);
    for (const userId of members) findUser(tenant, userId);
    for (const userId of members) beforeUserChange(tenant, userId);
    addMembers(tenant, id, members);
    tenant.state.commit();
    return noContent();
  },
  delete_members: ({ tenant, params, body }) => {
    const id = params['id'] ?? '';
    findOrganization(tenant, id);
    const remove = memberIds(body);
    const state = orgState(tenant);
    state.organizationMembers[id] = (state.organizationMembers[id] ?? []).filter((m) => !remove.includes(m));
    tenant.state.commit();
    return noContent();
  },
  get_organization_members: ({ tenant, params, query }) => {
    const id = params['id'] ?? '';
    findOrganization(tenant, id);
    const users = tenant.state.data.users;
    const members = (orgState(tenant).organizationMembers[id] ?? [])
      .filter((m) => users[m])
      .sort()
      .map((m) => pickFields(memberView(users[m]!), query));
    if (query['from'] !== undefined || query['take'] !== undefined) {
      const ids = (orgState(tenant).organizationMembers[id] ?? []).filter((m) => users[m]).sort();
      const page = checkpointPage(ids, (m) => m, query, 'members');
      return ok({ ...page, members: (page['members'] as string[]).map((m) => pickFields(memberView(users[m]!), query)) });
    }
    return ok(paginate(members, query, 'members', { maxResults: OFFSET_LIMIT, pagingMessage: PAGING_MESSAGE }));
  },

  /** `GET /users/{id}/organizations`: the organizations a user is a member of (offset paging, as Auth0 pages it). */
  get_user_organizations: ({ tenant, params, query }) => {
    const userId = params['id'] ?? '';
    findUser(tenant, userId);
    const orgs = Object.values(orgState(tenant).organizations)
      .filter((o) => isMember(tenant, String(o['id']), userId))
      .sort((a, b) => byCodePoint(String(a['id']), String(b['id'])))
      .map(view);
    return ok(paginate(orgs, query, 'organizations', { maxResults: OFFSET_LIMIT, pagingMessage: PAGING_MESSAGE }));
  },

  get_enabled_connections: ({ tenant, params, query }) =>
    ok(paginate(connectionsOf(findOrganization(tenant, params['id'] ?? '')).map(connectionView), query, 'enabled_connections')),
  post_enabled_connections: ({ tenant, params, body = {} }) => {
    const org = findOrganization(tenant, params['id'] ?? '');
    const connection = enabledConnection(body);
    const list = connectionsOf(org);
    if (list.some((c) => c.connection_id === connection.connection_id)) {
      throw new ApiError(409, 'conflict', 'The connection is already enabled for this organization.');
    }
    org['__connections'] = [...list, connection];
    tenant.state.commit();
    return ok(connectionView(connection), 201);
  },
  get_enabled_connections_by_connectionId: ({ tenant, params }) => {
    const found = connectionsOf(findOrganization(tenant, params['id'] ?? '')).find((c) => c.connection_id === params['connectionId']);
    if (!found) throw new ApiError(404, 'inexistent_connection', 'The connection is not enabled for this organization.');
    return ok(connectionView(found));
  },
  patch_enabled_connections_by_connectionId: ({ tenant, params, body = {} }) => {
    const found = connectionsOf(findOrganization(tenant, params['id'] ?? '')).find((c) => c.connection_id === params['connectionId']);
    if (!found) throw new ApiError(404, 'inexistent_connection', 'The connection is not enabled for this organization.');
    Object.assign(found, body);
    tenant.state.commit();
    return ok(connectionView(found));
  },
  delete_enabled_connections_by_connectionId: ({ tenant, params }) => {
    const org = findOrganization(tenant, params['id'] ?? '');
    org['__connections'] = connectionsOf(org).filter((c) => c.connection_id !== params['connectionId']);
    tenant.state.commit();
    return noContent();
  },

  post_invitations: ({ tenant, params, body = {} }) => {
    const org = findOrganization(tenant, params['id'] ?? '');
    const client = tenant.state.data.clients[String(body['client_id'])];
    if (!client || client['global']) throw new ApiError(404, 'inexistent_client', 'The client does not exist.');
    const loginUri = typeof client['initiate_login_uri'] === 'string' ? client['initiate_login_uri'] : '';
    if (!loginUri.startsWith('https://')) {
      throw new ApiError(400, 'invalid_body', 'The application must have an Application Login URI (initiate_login_uri) using https to send invitations.');
    }
    const connections = connectionsOf(org);
    const connectionId = typeof body['connection_id'] === 'string' ? body['connection_id'] : connections[0]?.connection_id;
    if (connectionId !== undefined && !connections.some((c) => c.connection_id === connectionId)) {
      throw new ApiError(400, 'invalid_body', `The connection ${connectionId} is not enabled for this organization.`);
    }
    const ttl = Number(body['ttl_sec'] ?? 0) || INVITATION_TTL_DEFAULT_S;
    const ticket = randomBytes(24).toString('base64url');
    const created = new Date();
    const url = new URL(loginUri);
    url.searchParams.set('invitation', ticket);
    url.searchParams.set('organization', String(org['id']));
    url.searchParams.set('organization_name', String(org['name']));
    const { send_invitation_email, ttl_sec, ...fields } = body;
    const invitation: Entity = {
      id: `uinv_${newId(12).slice(0, 16)}`,
      organization_id: org['id'],
      ...fields,
      invitee: { email: String((body['invitee'] as Entity)['email']).toLowerCase() },
      ...(connectionId !== undefined ? { connection_id: connectionId } : {}),
      invitation_url: url.toString(),
      ticket_id: ticket.slice(0, 16),
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + ttl * 1000).toISOString(),
      __ticket: ticket,
    };
    orgState(tenant).organizationInvitations[String(invitation['id'])] = invitation;
    tenant.state.commit();
    // The published document answers 200 (not 201) for a created invitation.
    return ok(invitationView(invitation));
  },
  get_invitations: ({ tenant, params, query }) => {
    const id = params['id'] ?? '';
    findOrganization(tenant, id);
    const list = Object.values(orgState(tenant).organizationInvitations)
      .filter((i) => i['organization_id'] === id)
      .sort((a, b) => String(a['created_at']).localeCompare(String(b['created_at'])) * (query['sort'] === 'created_at:-1' ? -1 : 1))
      .map((i) => pickFields(invitationView(i), query));
    return ok(paginate(list, query, 'invitations'));
  },
  get_invitations_by_invitation_id: ({ tenant, params, query }) => {
    const invitation = orgState(tenant).organizationInvitations[params['invitation_id'] ?? ''];
    if (!invitation || invitation['organization_id'] !== params['id']) throw new ApiError(404, 'inexistent_invitation', 'The invitation does not exist.');
    return ok(pickFields(invitationView(invitation), query));
  },
  delete_invitations_by_invitation_id: ({ tenant, params }) => {
    const state = orgState(tenant);
    const invitation = state.organizationInvitations[params['invitation_id'] ?? ''];
    if (invitation && invitation['organization_id'] === params['id']) delete state.organizationInvitations[params['invitation_id'] ?? ''];
    tenant.state.commit();
    return noContent();
  },
};

/** The pending invitation of this ticket to this organization, when not expired. */
export function invitationByTicket(tenant: Tenant, orgId: string, ticket: string): Entity | undefined {
  const now = Date.now();
  return Object.values(orgState(tenant).organizationInvitations).find(
    (i) => i['__ticket'] === ticket && i['organization_id'] === orgId && Date.parse(String(i['expires_at'])) > now,
  );
}
