import { gunzipSync } from 'node:zlib';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Credentials } from '../core/credentials.js';
import type { Body, ManagementPort } from './management-port.js';
import {
  actionSchema,
  bindingSchema,
  clientGrantSchema,
  clientSchema,
  connectionSchema,
  invitationSchema,
  organizationMemberSchema,
  organizationSchema,
  resourceServerSchema,
  userSchema,
} from './resources.js';
import { pacedFetch } from './paced-fetch.js';
import type { RequestPacer } from './request-pacer.js';
import { toTenantsError } from './to-tenants-error.js';

const PER_PAGE = 100;
const NO_RETRY = { maxRetries: 0 } as const;

/**
 * The Management port on the official `auth0` SDK. The SDK is imported here, lazily, so that commands
 * which never talk to Auth0 (`--help`, `verify-token`) do not pay its half-second import.
 */
export async function createSdkManagement(credentials: Credentials, pacer?: RequestPacer): Promise<ManagementPort> {
  const { ManagementClient } = await import('auth0');
  // The token the SDK obtained is read from the requests it sends: its `scope` claim says what we may do.
  let token = 'token' in credentials ? credentials.token : undefined;
  const paced = pacer ? pacedFetch(pacer) : fetch;
  const observing: typeof fetch = (input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (auth?.startsWith('Bearer ')) token = auth.slice(7);
    return paced(input, init);
  };
  const common = { maxRetries: 4, fetch: observing };
  const sdk = new ManagementClient(
    'token' in credentials
      ? { domain: credentials.domain, token: credentials.token, ...common }
      : { domain: credentials.domain, clientId: credentials.clientId, clientSecret: credentials.clientSecret, ...common },
  );
  const call = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw pacer?.tripped ?? toTenantsError(error, doing);
    }
  };
  const notFoundIsUndefined = async <T>(doing: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw pacer?.tripped ?? toTenantsError(error, doing);
    }
  };
  const all = async <T>(doing: string, page: () => Promise<AsyncIterable<unknown>>, parse: (x: unknown) => T): Promise<T[]> =>
    call(doing, async () => {
      const items: T[] = [];
      for await (const item of await page()) items.push(parse(item));
      return items;
    });

  return {
    grantedScopes: () => {
      if (!token) return undefined;
      try {
        const scope = decodeJwt(token)['scope'];
        return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
      } catch {
        return undefined;
      }
    },
    listClients: () =>
      all(
        'listing applications',
        () => sdk.clients.list({ per_page: PER_PAGE, include_totals: true }),
        (x) => clientSchema.parse(x),
      ),
    createClient: (body) => call('creating an application', async () => clientSchema.parse(await sdk.clients.create(body as never, NO_RETRY))),
    updateClient: (id, body) => call('updating an application', async () => clientSchema.parse(await sdk.clients.update(id, body as never))),
    deleteClient: async (id) => {
      await notFoundIsUndefined('deleting an application', () => sdk.clients.delete(id));
    },

    findResourceServer: (identifier) =>
      call('reading the API', async () => {
        // Filtered by the server when it knows `identifiers`, and by us in any case.
        for await (const item of await sdk.resourceServers.list({ identifiers: [identifier], per_page: PER_PAGE })) {
          const rs = resourceServerSchema.parse(item);
          if (rs.identifier === identifier) return rs;
        }
        return undefined;
      }),
    createResourceServer: (body) => call('creating the API', async () => resourceServerSchema.parse(await sdk.resourceServers.create(body as never, NO_RETRY))),
    updateResourceServer: (id, body: Body) =>
      call('updating the API', async () => resourceServerSchema.parse(await sdk.resourceServers.update(id, body as never))),
    deleteResourceServer: async (id) => {
      await notFoundIsUndefined('deleting the lease', () => sdk.resourceServers.delete(id));
    },

    findActionByName: (name) =>
      call('reading Actions', async () => {
        for await (const item of await sdk.actions.list({ actionName: name, per_page: PER_PAGE })) {
          const listed = actionSchema.parse(item);
          // The list may summarise; the Action itself carries its code and deployed version.
          if (listed.name === name) return actionSchema.parse(await sdk.actions.get(listed.id));
        }
        return undefined;
      }),
    getAction: (id) => call('reading the Action', async () => actionSchema.parse(await sdk.actions.get(id))),
    createAction: (body) => call('creating the Action', async () => actionSchema.parse(await sdk.actions.create(body as never, NO_RETRY))),
    updateAction: (id, body) => call('updating the Action', async () => actionSchema.parse(await sdk.actions.update(id, body as never))),
    deployAction: async (id) => {
      await call('deploying the Action', () => sdk.actions.deploy(id));
    },

    listTriggers: () =>
      call(
        'reading the Action triggers',
        async () =>
          z
            .looseObject({
              triggers: z
                .array(z.looseObject({ id: z.string(), version: z.string(), status: z.string().optional(), runtimes: z.array(z.string()).optional() }))
                .optional(),
            })
            .parse(await sdk.actions.triggers.list()).triggers ?? [],
      ),
    listBindings: (trigger) =>
      all(
        'reading the post-login bindings',
        () => sdk.actions.triggers.bindings.list(trigger as never, { per_page: 20 }),
        (x) => bindingSchema.parse(x),
      ),
    replaceBindings: (trigger, bindings) =>
      call('binding the Action to post-login', async () => {
        const answer = await sdk.actions.triggers.bindings.updateMany(trigger as never, {
          bindings: bindings.map((b) => ({ ref: { type: 'action_id', value: b.actionId }, display_name: b.displayName })),
        });
        return (answer.bindings ?? []).map((x) => bindingSchema.parse(x));
      }),

    listClientGrants: (filter) =>
      all(
        'listing client grants',
        () =>
          sdk.clientGrants.list({
            take: PER_PAGE,
            ...(filter.audience ? { audience: filter.audience } : {}),
            ...(filter.clientId ? { client_id: filter.clientId } : {}),
          }),
        (x) => clientGrantSchema.parse(x),
      ),
    createClientGrant: (body) => call('creating the client grant', async () => clientGrantSchema.parse(await sdk.clientGrants.create(body as never, NO_RETRY))),
    deleteClientGrant: async (id) => {
      await notFoundIsUndefined('deleting a client grant', () => sdk.clientGrants.delete(id));
    },

    findUsersByEmail: (email) => call('finding users by email', async () => (await sdk.users.listUsersByEmail({ email })).map((u) => userSchema.parse(u))),
    getUser: (id) => notFoundIsUndefined('reading a user', async () => userSchema.parse(await sdk.users.get(id))),
    searchUsers: (q, page, perPage) =>
      call('searching users', async () => {
        const answer = await sdk.users.list({ q, search_engine: 'v3', page, per_page: perPage, include_totals: true });
        const total = (answer.response as { total?: unknown }).total;
        const users = answer.data.map((u) => userSchema.parse(u));
        return { users, total: typeof total === 'number' ? total : users.length };
      }),
    exportUsers: (fields) =>
      call(
        'starting a users export job',
        async () => z.looseObject({ id: z.string() }).parse(await sdk.jobs.usersExports.create({ format: 'json', fields } as never, NO_RETRY)).id,
      ),
    getJob: (id) =>
      call('reading the export job', async () => z.looseObject({ status: z.string(), location: z.string().optional() }).parse(await sdk.jobs.get(id))),
    downloadExport: (location) =>
      call('downloading the users export', async () => {
        const response = await fetch(location);
        if (!response.ok) throw Object.assign(new Error(`download answered ${response.status}`), { statusCode: response.status });
        const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
        return text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => z.record(z.string(), z.unknown()).parse(JSON.parse(line)));
      }),
    updateAppMetadata: (id, appMetadata) =>
      call('updating a user', async () => userSchema.parse(await sdk.users.update(id, { app_metadata: appMetadata } as never))),
    deleteUser: async (id) => {
      await notFoundIsUndefined('deleting a user', () => sdk.users.delete(id));
    },
    createUser: async (body) => {
      try {
        return userSchema.parse(await sdk.users.create(body as never));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409) return undefined;
        throw toTenantsError(error, 'creating a user');
      }
    },
    createPasswordChangeTicket: (body) =>
      call('creating a password-change ticket', async () => {
        const { ticket } = await sdk.tickets.changePassword(body as never);
        if (typeof ticket !== 'string') throw new Error('Auth0 answered a password-change ticket without its URL.');
        return ticket;
      }),

    findConnection: (name) =>
      call('reading connections', async () => {
        for await (const item of await sdk.connections.list({ name, take: PER_PAGE } as never)) {
          const connection = connectionSchema.parse(item);
          if (connection.name === name) return connection;
        }
        return undefined;
      }),
    listOrganizations: () =>
      all(
        'listing organizations',
        () => sdk.organizations.list({ take: PER_PAGE }),
        (x) => organizationSchema.parse(x),
      ),
    getOrganizationByName: (name) =>
      notFoundIsUndefined('reading an organization by name', async () => organizationSchema.parse(await sdk.organizations.getByName(name))),
    createOrganization: (body) =>
      call('creating an organization', async () => organizationSchema.parse(await sdk.organizations.create(body as never, NO_RETRY))),
    updateOrganization: (id, body) => call('updating an organization', async () => organizationSchema.parse(await sdk.organizations.update(id, body as never))),
    deleteOrganization: async (id) => {
      await notFoundIsUndefined('deleting an organization', () => sdk.organizations.delete(id));
    },
    listOrganizationMembers: (id) =>
      all(
        'listing organization members',
        () => sdk.organizations.members.list(id, { take: PER_PAGE, fields: 'user_id,email', include_fields: true }),
        (x) => organizationMemberSchema.parse(x),
      ),
    addOrganizationMembers: async (id, userIds) => {
      await call('adding organization members', () => sdk.organizations.members.create(id, { members: userIds }));
    },
    removeOrganizationMembers: async (id, userIds) => {
      await call('removing organization members', () => sdk.organizations.members.delete(id, { members: userIds }));
    },
    listOrganizationConnections: (id) =>
      all(
        "listing an organization's connections",
        () => sdk.organizations.enabledConnections.list(id, { per_page: PER_PAGE }),
        (x) => z.looseObject({ connection_id: z.string() }).parse(x).connection_id,
      ),
    enableOrganizationConnection: async (id, connectionId) => {
      try {
        await sdk.organizations.enabledConnections.add(id, { connection_id: connectionId, assign_membership_on_login: false });
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409) return;
        throw pacer?.tripped ?? toTenantsError(error, 'enabling a connection for an organization');
      }
    },
    listUserOrganizations: (userId) =>
      all(
        "listing a user's organizations",
        () => sdk.users.organizations.list(userId, { per_page: PER_PAGE }),
        (x) => organizationSchema.parse(x),
      ),
    createOrganizationInvitation: (id, body) =>
      call('creating an organization invitation', async () => invitationSchema.parse(await sdk.organizations.invitations.create(id, body as never, NO_RETRY))),
  };
}
