import type { Action, Binding, Client, ClientGrant, Connection, Invitation, Organization, OrganizationMember, ResourceServer, User } from './resources.js';

export type Body = Record<string, unknown>;

/**
 * The narrow port over Auth0's Management API: only the calls this tool makes. The SDK sits behind
 * it (src/auth0/sdk-management.ts); tests can put anything that honours it in its place.
 */
export interface ManagementPort {
  /** The scopes of the Management API access token in use (its `scope` claim); undefined before any request or when unreadable. */
  grantedScopes(): string[] | undefined;
  /** Every application, read page by page (per_page 100). */
  listClients(): Promise<Client[]>;
  /** One attempt, never retried by the SDK: a lost answer must be checked by tag before trying again. */
  createClient(body: Body): Promise<Client>;
  updateClient(id: string, body: Body): Promise<Client>;
  /** Deleting what is already gone succeeds. */
  deleteClient(id: string): Promise<void>;

  findResourceServer(identifier: string): Promise<ResourceServer | undefined>;
  createResourceServer(body: Body): Promise<ResourceServer>;
  updateResourceServer(id: string, body: Body): Promise<ResourceServer>;
  /** By its `id`; deleting what is already gone succeeds. Only ever used on our lease (src/core/run-lease.ts). */
  deleteResourceServer(id: string): Promise<void>;

  /** The Action with this name, read in full (code, deployed version), or undefined. */
  findActionByName(name: string): Promise<Action | undefined>;
  getAction(id: string): Promise<Action>;
  createAction(body: Body): Promise<Action>;
  updateAction(id: string, body: Body): Promise<Action>;
  deployAction(id: string): Promise<void>;

  /** GET /actions/triggers: each trigger version Auth0 offers, with its status and runtimes. */
  listTriggers(): Promise<{ id: string; version: string; status?: string | undefined; runtimes?: string[] | undefined }[]>;
  listBindings(trigger: string): Promise<Binding[]>;
  replaceBindings(trigger: string, bindings: { actionId: string; displayName: string }[]): Promise<Binding[]>;

  listClientGrants(filter: { audience?: string; clientId?: string }): Promise<ClientGrant[]>;
  createClientGrant(body: Body): Promise<ClientGrant>;
  /** Deleting what is already gone succeeds. Only ever used on a duplicate application's grants. */
  deleteClientGrant(id: string): Promise<void>;

  /** Exact and immediate (GET /users-by-email). */
  findUsersByEmail(email: string): Promise<User[]>;
  getUser(id: string): Promise<User | undefined>;
  /** One page of a user search and the total it counts (Auth0's index is eventually consistent and stops at 1,000 results). */
  searchUsers(q: string, page: number, perPage: number): Promise<{ users: User[]; total: number }>;
  /** Starts a users export job of the whole tenant (POST /jobs/users-exports, format json); returns the job id. */
  exportUsers(fields: { name: string; export_as?: string }[]): Promise<string>;
  /** A job's status (`pending`, `processing`, `completed`, `failed`) and, once completed, the export file's URL. */
  getJob(id: string): Promise<{ status: string; location?: string | undefined }>;
  /** Downloads a completed export (gzip-compressed newline-delimited JSON) and returns its records. */
  downloadExport(location: string): Promise<Record<string, unknown>[]>;
  /** Merges into app_metadata at the first level; `null` removes a key (Auth0's rules). */
  updateAppMetadata(id: string, appMetadata: Record<string, unknown>): Promise<User>;
  /** Deleting who is already gone succeeds. */
  deleteUser(id: string): Promise<void>;
  /**
   * Creates a user in a database connection; `undefined` when that connection already holds the email (409),
   * which is also how a create whose answer was lost and that the SDK retried ends: look the user up again.
   */
  createUser(body: Body): Promise<User | undefined>;
  /** POST /tickets/password-change: the single-use URL where the user sets a password. */
  createPasswordChangeTicket(body: Body): Promise<string>;

  /** A connection by its exact name (GET /connections?name=), or undefined. */
  findConnection(name: string): Promise<Connection | undefined>;

  /** Every organization, read with checkpoint paging (`from`/`take` 100): no 1,000-record cap. */
  listOrganizations(): Promise<Organization[]>;
  /** GET /organizations/name/{name}; undefined when there is none (how a create whose answer was lost is settled). */
  getOrganizationByName(name: string): Promise<Organization | undefined>;
  /** One attempt, never retried by the SDK; a duplicate name is 409 (a TenantsError with details.statusCode 409). */
  createOrganization(body: Body): Promise<Organization>;
  updateOrganization(id: string, body: Body): Promise<Organization>;
  /** Deleting what is already gone succeeds. Auth0 detaches its members (the users stay). */
  deleteOrganization(id: string): Promise<void>;
  /** Every member, read with checkpoint paging (`from`/`take` 100): no 1,000-record cap. */
  listOrganizationMembers(id: string): Promise<OrganizationMember[]>;
  /** At most 10 user ids per call (Auth0's limit; callers batch). Adding a member twice changes nothing. */
  addOrganizationMembers(id: string, userIds: string[]): Promise<void>;
  /** At most 10 user ids per call (Auth0's limit; callers batch). */
  removeOrganizationMembers(id: string, userIds: string[]): Promise<void>;
  /** The ids of the connections an organization has enabled (GET /organizations/{id}/enabled_connections). */
  listOrganizationConnections(id: string): Promise<string[]>;
  /** Enables a connection for an organization; one already enabled (409) is the state wanted. */
  enableOrganizationConnection(id: string, connectionId: string): Promise<void>;
  /** The organizations a user is a member of (GET /users/{id}/organizations). */
  listUserOrganizations(userId: string): Promise<Organization[]>;
  /** POST /organizations/{id}/invitations: the invitation with its `invitation_url`. */
  createOrganizationInvitation(id: string, body: Body): Promise<Invitation>;
}
