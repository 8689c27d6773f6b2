import type { Body, ManagementPort } from '../../src/auth0/management-port.js';
import { TenantsError } from '../../src/core/tenants-error.js';
import type { Action, Binding, Client, ClientGrant, Organization, ResourceServer, User } from '../../src/auth0/resources.js';

let counter = 0;
const id = (prefix: string) => `${prefix}${++counter}`;

/** An in-memory Management port for unit tests of the core, with hooks to inject failures. */
export class FakePort implements ManagementPort {
  clients: Client[] = [];
  apis: ResourceServer[] = [];
  actions: Action[] = [];
  bindings: Binding[] = [];
  grants: ClientGrant[] = [];
  users: User[] = [];
  calls: string[] = [];
  /** Called before each method; throw from it to inject a failure. */
  before: (method: string) => void = () => undefined;
  /** Called after a write succeeded server-side; throw to simulate a lost answer. */
  after: (method: string) => void = () => undefined;
  buildStatus: (action: Action, polls: number) => string = () => 'built';
  private polls = 0;
  scopes: string[] | undefined = undefined;
  jobs: Record<string, Record<string, unknown>[]> = {};
  grantedScopes() {
    return this.scopes;
  }

  private hit(method: string) {
    this.calls.push(method);
    this.before(method);
  }

  async listClients() {
    this.hit('listClients');
    return structuredClone(this.clients);
  }
  async createClient(body: Body) {
    this.hit('createClient');
    const client = { ...body, client_id: id('client') } as Client;
    this.clients.push(client);
    this.after('createClient');
    return structuredClone(client);
  }
  async updateClient(cid: string, body: Body) {
    this.hit('updateClient');
    const client = this.clients.find((c) => c.client_id === cid)!;
    Object.assign(client, body);
    return structuredClone(client);
  }
  async deleteClient(cid: string) {
    this.hit('deleteClient');
    this.clients = this.clients.filter((c) => c.client_id !== cid);
  }
  async findResourceServer(identifier: string) {
    this.hit('findResourceServer');
    return this.apis.find((a) => a.identifier === identifier);
  }
  async createResourceServer(body: Body) {
    this.hit('createResourceServer');
    if (this.apis.some((a) => a.identifier === body['identifier'])) {
      throw new TenantsError('auth0', 'auth0_error', 'Auth0 answered 409 while creating the API.', { details: { statusCode: 409, retryable: false } });
    }
    const rs = { ...body, id: id('rs') } as ResourceServer;
    this.apis.push(rs);
    return rs;
  }
  async updateResourceServer(rid: string, body: Body) {
    this.hit('updateResourceServer');
    const rs = this.apis.find((a) => a.id === rid);
    if (!rs) throw new TenantsError('auth0', 'auth0_error', 'Auth0 answered 404 while updating the API.', { details: { statusCode: 404, retryable: false } });
    Object.assign(rs, body);
    return rs;
  }
  async deleteResourceServer(rid: string) {
    this.hit('deleteResourceServer');
    this.apis = this.apis.filter((a) => a.id !== rid);
  }
  async findActionByName(name: string) {
    this.hit('findActionByName');
    return this.actions.find((a) => a.name === name);
  }
  async getAction(aid: string) {
    this.hit('getAction');
    const action = this.actions.find((a) => a.id === aid)!;
    action.status = this.buildStatus(action, ++this.polls);
    return structuredClone(action);
  }
  async createAction(body: Body) {
    this.hit('createAction');
    const a = { ...body, id: id('action'), status: 'pending' } as Action;
    this.actions.push(a);
    return a;
  }
  async updateAction(aid: string, body: Body) {
    this.hit('updateAction');
    const a = this.actions.find((x) => x.id === aid)!;
    Object.assign(a, body, { status: 'pending', all_changes_deployed: false });
    return a;
  }
  async deployAction(aid: string) {
    this.hit('deployAction');
    const a = this.actions.find((x) => x.id === aid)!;
    if (a.status !== 'built') throw new Error('not built');
    a.all_changes_deployed = true;
    a.deployed_version = { code: a.code, deployed: true };
  }
  triggers = [{ id: 'post-login', version: 'v3', status: 'CURRENT', runtimes: ['node18', 'node22'] }];
  async listTriggers() {
    this.hit('listTriggers');
    return structuredClone(this.triggers);
  }
  async listBindings() {
    this.hit('listBindings');
    return structuredClone(this.bindings);
  }
  async replaceBindings(_trigger: string, list: { actionId: string; displayName: string }[]) {
    this.hit('replaceBindings');
    this.bindings = list.map((b) => ({
      id: id('binding'),
      display_name: b.displayName,
      action: { id: b.actionId, name: this.actions.find((a) => a.id === b.actionId)?.name ?? b.actionId },
    }));
    return structuredClone(this.bindings);
  }
  async listClientGrants(filter: { audience?: string; clientId?: string }) {
    this.hit('listClientGrants');
    return this.grants.filter((g) => (!filter.audience || g.audience === filter.audience) && (!filter.clientId || g.client_id === filter.clientId));
  }
  async createClientGrant(body: Body) {
    this.hit('createClientGrant');
    const g = { ...body, id: id('cgr') } as ClientGrant;
    this.grants.push(g);
    return g;
  }
  async deleteClientGrant(gid: string) {
    this.hit('deleteClientGrant');
    this.grants = this.grants.filter((g) => g.id !== gid);
  }
  async findUsersByEmail(email: string) {
    this.hit('findUsersByEmail');
    return this.users.filter((u) => u.email === email);
  }
  async getUser(uid: string) {
    this.hit('getUser');
    return this.users.find((u) => u.user_id === uid);
  }
  async searchUsers(q: string, page: number, perPage: number) {
    this.hit('searchUsers');
    const tenant = /app_metadata\.tenant:"([^"]+)"/.exec(q)?.[1];
    const all = this.users.filter((u) => u.app_metadata?.['tenant'] === tenant);
    return { users: all.slice(page * perPage, (page + 1) * perPage), total: all.length };
  }
  async exportUsers() {
    this.hit('exportUsers');
    const jobId = id('job');
    this.jobs[jobId] = this.users.map((u) => ({ user_id: u.user_id, ...(u.app_metadata ? { app_metadata: structuredClone(u.app_metadata) } : {}) }));
    return jobId;
  }
  async getJob(jobId: string) {
    this.hit('getJob');
    return { status: 'completed', location: jobId };
  }
  async downloadExport(location: string) {
    this.hit('downloadExport');
    return this.jobs[location] ?? [];
  }
  async updateAppMetadata(uid: string, patch: Record<string, unknown>) {
    this.hit('updateAppMetadata');
    const user = this.users.find((u) => u.user_id === uid)!;
    const merged: Record<string, unknown> = { ...user.app_metadata };
    for (const [k, v] of Object.entries(patch))
      if (v === null) delete merged[k];
      else merged[k] = v;
    user.app_metadata = merged;
    return structuredClone(user);
  }
  async deleteUser(uid: string) {
    this.hit('deleteUser');
    this.users = this.users.filter((u) => u.user_id !== uid);
  }
  tickets: Record<string, unknown>[] = [];
  async createUser(body: Body) {
    this.hit('createUser');
    const email = String(body['email']).toLowerCase();
    if (this.users.some((u) => u.email === email)) return undefined;
    const user = { user_id: id('auth0|'), email, app_metadata: (body['app_metadata'] as Record<string, unknown>) ?? {} } as User;
    this.users.push(user);
    this.after('createUser');
    return structuredClone(user);
  }
  async createPasswordChangeTicket(body: Body) {
    this.hit('createPasswordChangeTicket');
    this.tickets.push(body);
    return `https://fake.example.com/lo/reset?ticket=t${this.tickets.length}#`;
  }

  organizations: Organization[] = [];
  members: Record<string, string[]> = {};
  invitations: Record<string, unknown>[] = [];
  async findConnection(name: string) {
    this.hit('findConnection');
    return name === 'Username-Password-Authentication' ? { id: 'con_0000000000000001', name, strategy: 'auth0' } : undefined;
  }
  async listOrganizations() {
    this.hit('listOrganizations');
    return structuredClone(this.organizations);
  }
  async getOrganizationByName(name: string) {
    this.hit('getOrganizationByName');
    return structuredClone(this.organizations.find((o) => o.name === name));
  }
  async createOrganization(body: Body) {
    this.hit('createOrganization');
    if (this.organizations.some((o) => o.name === body['name']))
      throw new TenantsError('auth0', 'auth0_error', 'Auth0 answered 409 while creating an organization.', { details: { statusCode: 409, retryable: false } });
    const { enabled_connections: _connections, ...fields } = body;
    const org = { ...fields, id: id('org_') } as Organization;
    this.organizations.push(org);
    this.members[org.id] = [];
    this.after('createOrganization');
    return structuredClone(org);
  }
  async updateOrganization(oid: string, body: Body) {
    this.hit('updateOrganization');
    const org = this.organizations.find((o) => o.id === oid)!;
    const { metadata, ...fields } = body;
    Object.assign(org, fields);
    if (metadata) org.metadata = { ...(org.metadata ?? {}), ...(metadata as Record<string, unknown>) };
    return structuredClone(org);
  }
  async deleteOrganization(oid: string) {
    this.hit('deleteOrganization');
    this.organizations = this.organizations.filter((o) => o.id !== oid);
    delete this.members[oid];
  }
  async listOrganizationMembers(oid: string) {
    this.hit('listOrganizationMembers');
    return (this.members[oid] ?? []).map((uid) => ({ user_id: uid, email: this.users.find((u) => u.user_id === uid)?.email ?? null }));
  }
  async addOrganizationMembers(oid: string, userIds: string[]) {
    this.hit('addOrganizationMembers');
    if (userIds.length > 10) throw new Error('more than 10 members in one request');
    const list = (this.members[oid] ??= []);
    for (const uid of userIds) if (!list.includes(uid)) list.push(uid);
  }
  async removeOrganizationMembers(oid: string, userIds: string[]) {
    this.hit('removeOrganizationMembers');
    if (userIds.length > 10) throw new Error('more than 10 members in one request');
    this.members[oid] = (this.members[oid] ?? []).filter((uid) => !userIds.includes(uid));
  }
  connections: Record<string, string[]> = {};
  async listOrganizationConnections(oid: string) {
    this.hit('listOrganizationConnections');
    return [...(this.connections[oid] ?? [])];
  }
  async enableOrganizationConnection(oid: string, connectionId: string) {
    this.hit('enableOrganizationConnection');
    const list = (this.connections[oid] ??= []);
    if (!list.includes(connectionId)) list.push(connectionId);
  }
  async listUserOrganizations(userId: string) {
    this.hit('listUserOrganizations');
    return structuredClone(this.organizations.filter((o) => (this.members[o.id] ?? []).includes(userId)));
  }
  async createOrganizationInvitation(oid: string, body: Body) {
    this.hit('createOrganizationInvitation');
    this.invitations.push({ organization: oid, ...body });
    return { id: id('uinv_'), invitation_url: `https://app.example.com/login?invitation=i${this.invitations.length}&organization=${oid}` };
  }
}
