import { ok, type Handlers } from './handler.js';
import { paginate } from './paginate.js';
import { DATABASE_CONNECTION } from './users.js';

/** The id of the tenant's one database connection (the emulator has no other connection). */
export const DATABASE_CONNECTION_ID = 'con_0000000000000001';

export const DATABASE_CONNECTION_ENTITY = {
  id: DATABASE_CONNECTION_ID,
  name: DATABASE_CONNECTION,
  display_name: DATABASE_CONNECTION,
  strategy: 'auth0',
  is_domain_connection: false,
  realms: [DATABASE_CONNECTION],
  enabled_clients: [],
  options: {},
};

/** `GET /connections` (filters `name` and `strategy`): what a tool needs to find a connection's id. */
export const connectionHandlers: Handlers = {
  get_connections: ({ query }) => {
    let list = [DATABASE_CONNECTION_ENTITY];
    if (typeof query['name'] === 'string') list = list.filter((c) => c.name === query['name']);
    const strategies = query['strategy'] === undefined ? undefined : ([] as unknown[]).concat(query['strategy']).map(String);
    if (strategies) list = list.filter((c) => strategies.includes(c.strategy));
    return ok(paginate(list, query, 'connections'));
  },
};
