import { ApiError, notFound } from '../api-error.js';
import { PLANS } from '../plans.js';
import { newId, type Entity } from '../state.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';
import { paginate } from './paginate.js';

const DEFAULT_GRANTS: Record<string, string[]> = {
  spa: ['authorization_code', 'implicit', 'refresh_token'],
  native: ['authorization_code', 'implicit', 'refresh_token'],
  regular_web: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  non_interactive: ['client_credentials'],
};

/** What Auth0 fills in for a new application; the request's own fields replace these. */
export function clientDefaults(tenant: Tenant, body: Entity): Entity {
  const appType = typeof body['app_type'] === 'string' ? body['app_type'] : undefined;
  return {
    tenant: 'emulator',
    global: false,
    is_token_endpoint_ip_header_trusted: false,
    is_first_party: true,
    oidc_conformant: true,
    sso_disabled: false,
    cross_origin_auth: false,
    custom_login_page_on: true,
    callback_url_template: false,
    callbacks: [],
    allowed_logout_urls: [],
    allowed_origins: [],
    web_origins: [],
    client_aliases: [],
    allowed_clients: [],
    client_metadata: {},
    // Auth0's documented default for applications created through the API is HS256.
    jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 36000, secret_encoded: false },
    refresh_token: {
      expiration_type: 'non-expiring',
      leeway: 0,
      infinite_token_lifetime: true,
      infinite_idle_token_lifetime: true,
      token_lifetime: 31557600,
      idle_token_lifetime: 2592000,
      rotation_type: 'non-rotating',
    },
    grant_types: DEFAULT_GRANTS[appType ?? 'regular_web'] ?? DEFAULT_GRANTS['regular_web'],
    token_endpoint_auth_method: 'client_secret_post',
  };
}

const METADATA_VALUE_MAX = 255;
const METADATA_KEYS_MAX = 10;

/**
 * Auth0's rules for client_metadata: string values of at most 255 characters, at most 10 keys. On PATCH
 * it is merged at the top level, and a key sent as null is removed.
 */
function mergeClientMetadata(current: Entity | undefined, patch: Entity, merging: boolean): Entity {
  const merged: Entity = merging ? { ...(current ?? {}) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null && merging) {
      delete merged[key];
      continue;
    }
    if (typeof value !== 'string') {
      throw new ApiError(
        400,
        'invalid_body',
        `Payload validation error: 'Expected type string but found type ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}' on property client_metadata.${key}.`,
      );
    }
    if (value.length > METADATA_VALUE_MAX) {
      throw new ApiError(
        400,
        'invalid_body',
        `Payload validation error: 'String is too long (${value.length} chars), maximum ${METADATA_VALUE_MAX}' on property client_metadata.${key}.`,
      );
    }
    merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_KEYS_MAX) {
    throw new ApiError(
      400,
      'invalid_body',
      `Payload validation error: 'Too many properties defined (${Object.keys(merged).length}), maximum ${METADATA_KEYS_MAX}' on property client_metadata.`,
    );
  }
  return merged;
}

/** The only `q` GET /clients accepts (Auth0's docs): one of these, alone, with checkpoint paging. */
function filterByQuery(tenant: Tenant, clients: Entity[], query: Record<string, unknown>): Entity[] {
  const q = String(query['q']);
  const org = /^client_grant\.organization_id:(\S+)$/.exec(q);
  const any = /^client_grant\.allow_any_organization:true$/.test(q);
  if (!org && !any) {
    throw new ApiError(
      400,
      'invalid_query_string',
      'Invalid query: only client_grant.organization_id:{id} or client_grant.allow_any_organization:true are permitted.',
    );
  }
  const others = ['is_global', 'is_first_party', 'app_type', 'page', 'per_page'].filter((k) => query[k] !== undefined);
  if (others.length > 0)
    throw new ApiError(400, 'invalid_query_string', `The q parameter cannot be combined with ${others.join(', ')}; use from and take to page.`);
  const grants = Object.values(tenant.state.data.clientGrants);
  return clients.filter((c) =>
    grants.some(
      (g) =>
        g['client_id'] === c['client_id'] &&
        (any ? g['allow_any_organization'] === true : ((g['organization_ids'] as string[] | undefined) ?? []).includes(org![1]!)),
    ),
  );
}

export function createClient(tenant: Tenant, body: Entity): Entity {
  const clients = tenant.state.data.clients;
  const count = Object.values(clients).filter((c) => !c['global']).length;
  const limit = PLANS[tenant.plan].clients;
  if (count >= limit) {
    throw new ApiError(
      403,
      'too_many_entities',
      `You reached the limit of entities of this type for this tenant (${limit} applications on the ${tenant.plan} plan).`,
    );
  }
  const client: Entity = {
    ...clientDefaults(tenant, body),
    ...body,
    ...(body['client_metadata'] !== undefined ? { client_metadata: mergeClientMetadata(undefined, body['client_metadata'] as Entity, false) } : {}),
    client_id: newId(),
    client_secret: newId(48) + newId(48),
    signing_keys: [{ cert: '-----BEGIN CERTIFICATE-----\n(emulator)\n-----END CERTIFICATE-----', pkcs7: '', subject: `/CN=${tenant.domain}` }],
  };
  clients[String(client['client_id'])] = client;
  return client;
}

const find = (tenant: Tenant, id: string): Entity => {
  const client = tenant.state.data.clients[id];
  if (!client) throw notFound('client');
  return client;
};

export const clientHandlers: Handlers = {
  post_clients: ({ tenant, body }) => {
    const client = createClient(tenant, body ?? {});
    tenant.state.commit();
    return ok(client, 201);
  },
  get_clients: ({ tenant, query }) => {
    let clients = Object.values(tenant.state.data.clients);
    if (query['q'] !== undefined) return ok(paginate(filterByQuery(tenant, clients, query), query, 'clients'));
    if (query['is_global'] !== undefined) clients = clients.filter((c) => Boolean(c['global']) === query['is_global']);
    if (query['is_first_party'] !== undefined) clients = clients.filter((c) => Boolean(c['is_first_party']) === query['is_first_party']);
    if (typeof query['app_type'] === 'string') {
      const types = query['app_type'].split(',');
      clients = clients.filter((c) => types.includes(String(c['app_type'])));
    }
    return ok(paginate(clients, query, 'clients'));
  },
  get_clients_by_id: ({ tenant, params }) => ok(find(tenant, params['id'] ?? '')),
  patch_clients_by_id: ({ tenant, params, body }) => {
    const client = find(tenant, params['id'] ?? '');
    if (client['global']) throw new ApiError(400, 'invalid_body', 'The global client cannot be updated through this endpoint.');
    const { client_metadata: metadata, ...rest } = body ?? {};
    const merged = metadata === undefined ? undefined : mergeClientMetadata(client['client_metadata'] as Entity, metadata as Entity, true);
    Object.assign(client, rest, merged === undefined ? {} : { client_metadata: merged });
    tenant.state.commit();
    return ok(client);
  },
  delete_clients_by_id: ({ tenant, params }) => {
    const id = params['id'] ?? '';
    const client = find(tenant, id);
    if (client['global']) throw new ApiError(400, 'operation_not_supported', 'The global client cannot be deleted.');
    delete tenant.state.data.clients[id];
    for (const [grantId, grant] of Object.entries(tenant.state.data.clientGrants)) {
      if (grant['client_id'] === id) delete tenant.state.data.clientGrants[grantId];
    }
    tenant.state.commit();
    return noContent();
  },
};
