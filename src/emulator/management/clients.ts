import { ApiError, notFound } from '../api-error.js';
import { PLANS } from '../plans.js';
import { newId, nowIso, type Entity } from '../state.js';
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

export function createClient(tenant: Tenant, body: Entity): Entity {
  const clients = tenant.state.data.clients;
  const count = Object.values(clients).filter((c) => !c['global']).length;
  const limit = PLANS[tenant.plan].clients;
  if (count >= limit) {
    throw new ApiError(403, 'too_many_entities', `You reached the limit of entities of this type for this tenant (${limit} applications on the ${tenant.plan} plan).`);
  }
  const client: Entity = {
    ...clientDefaults(tenant, body),
    ...body,
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
    Object.assign(client, body ?? {});
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
