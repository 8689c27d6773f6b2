import { ApiError, notFound } from '../api-error.js';
import { PLANS } from '../plans.js';
import { newId, type Entity } from '../state.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';
import { paginate } from './paginate.js';

/** A resource server is addressed by its id or by its identifier (URL-encoded), as in Auth0. */
export function findResourceServer(tenant: Tenant, idOrIdentifier: string): Entity | undefined {
  const all = tenant.state.data.resourceServers;
  return all[idOrIdentifier] ?? Object.values(all).find((rs) => rs['identifier'] === idOrIdentifier);
}

const find = (tenant: Tenant, id: string): Entity => {
  const rs = findResourceServer(tenant, id);
  if (!rs) throw notFound('resource_server');
  return rs;
};

/** A tenant without API access policies refuses the field (the emulator's `--no-api-access-policies`). */
function checkPolicies(tenant: Tenant, body: Entity): void {
  if (tenant.apiAccessPolicies === false && body['subject_type_authorization'] !== undefined) {
    throw new ApiError(400, 'invalid_body', 'API access policies are not available on this tenant: subject_type_authorization cannot be set.');
  }
}

export function createResourceServer(tenant: Tenant, body: Entity, extra: Entity = {}): Entity {
  const all = tenant.state.data.resourceServers;
  checkPolicies(tenant, body);
  if (Object.values(all).some((rs) => rs['identifier'] === body['identifier'])) {
    throw new ApiError(409, 'conflict', 'A resource server with the same identifier already exists');
  }
  const limit = PLANS[tenant.plan].resourceServers;
  if (Object.values(all).filter((rs) => !rs['is_system']).length >= limit) {
    throw new ApiError(403, 'too_many_entities', `You reached the limit of entities of this type for this tenant (${limit} APIs).`);
  }
  const rs: Entity = {
    id: newId(12).slice(0, 24).toLowerCase(),
    name: body['identifier'],
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: true,
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
    signing_alg: 'RS256',
    scopes: [],
    enforce_policies: false,
    token_dialect: 'access_token',
    // Auth0's default access policy for a new API: any application may get user tokens; client credentials need a grant.
    ...(tenant.apiAccessPolicies === false
      ? {}
      : { subject_type_authorization: { user: { policy: 'allow_all' }, client: { policy: 'require_client_grant' } } }),
    ...body,
    ...extra,
  };
  all[String(rs['id'])] = rs;
  return rs;
}

export const resourceServerHandlers: Handlers = {
  'post_resource-servers': ({ tenant, body }) => {
    const rs = createResourceServer(tenant, body ?? {});
    tenant.state.commit();
    return ok(rs, 201);
  },
  'get_resource-servers': ({ tenant, query }) => {
    let all = Object.values(tenant.state.data.resourceServers);
    const identifiers = query['identifiers'];
    if (identifiers !== undefined) {
      const wanted = Array.isArray(identifiers) ? identifiers.map(String) : [String(identifiers)];
      all = all.filter((rs) => wanted.includes(String(rs['identifier'])));
    }
    return ok(paginate(all, query, 'resource_servers'));
  },
  'get_resource-servers_by_id': ({ tenant, params }) => ok(find(tenant, params['id'] ?? '')),
  'patch_resource-servers_by_id': ({ tenant, params, body }) => {
    const rs = find(tenant, params['id'] ?? '');
    if (rs['is_system']) throw new ApiError(400, 'operation_not_supported', 'System resource servers cannot be updated.');
    checkPolicies(tenant, body ?? {});
    Object.assign(rs, body ?? {});
    tenant.state.commit();
    return ok(rs);
  },
  'delete_resource-servers_by_id': ({ tenant, params }) => {
    const rs = find(tenant, params['id'] ?? '');
    if (rs['is_system']) throw new ApiError(400, 'operation_not_supported', 'System resource servers cannot be deleted.');
    delete tenant.state.data.resourceServers[String(rs['id'])];
    for (const [grantId, grant] of Object.entries(tenant.state.data.clientGrants)) {
      if (grant['audience'] === rs['identifier']) delete tenant.state.data.clientGrants[grantId];
    }
    tenant.state.commit();
    return noContent();
  },
};
