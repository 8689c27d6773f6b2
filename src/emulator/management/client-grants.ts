import { ApiError, notFound } from '../api-error.js';
import { PLANS } from '../plans.js';
import { newId, type Entity } from '../state.js';
import { noContent, ok, type Handlers, type Tenant } from './handler.js';
import { paginate } from './paginate.js';
import { findResourceServer } from './resource-servers.js';

export function createClientGrant(tenant: Tenant, body: Entity): Entity {
  const { clientGrants, clients } = tenant.state.data;
  const clientId = body['client_id'];
  if (typeof clientId === 'string' && !clients[clientId]) throw new ApiError(404, 'inexistent_client', 'Client not found');
  if (!findResourceServer(tenant, String(body['audience']))) {
    throw new ApiError(404, 'inexistent_resource_server', `No resource server found for audience ${String(body['audience'])}`);
  }
  const subjectType = body['subject_type'] ?? 'client';
  const duplicate = Object.values(clientGrants).some(
    (g) => g['client_id'] === clientId && g['audience'] === body['audience'] && (g['subject_type'] ?? 'client') === subjectType,
  );
  if (duplicate) throw new ApiError(409, 'client_grant_conflict', 'A client grant for this client and audience already exists.');
  const limit = PLANS[tenant.plan].clientGrants;
  if (Object.keys(clientGrants).length >= limit) {
    throw new ApiError(403, 'too_many_entities', `You reached the limit of entities of this type for this tenant (${limit} client grants).`);
  }
  const grant: Entity = { id: `cgr_${newId(12).slice(0, 16)}`, scope: [], allow_any_organization: false, ...body };
  clientGrants[String(grant['id'])] = grant;
  return grant;
}

const find = (tenant: Tenant, id: string): Entity => {
  const grant = tenant.state.data.clientGrants[id];
  if (!grant) throw notFound('grant');
  return grant;
};

export const clientGrantHandlers: Handlers = {
  'post_client-grants': ({ tenant, body }) => {
    const grant = createClientGrant(tenant, body ?? {});
    tenant.state.commit();
    return ok(grant, 201);
  },
  'get_client-grants': ({ tenant, query }) => {
    const grants = Object.values(tenant.state.data.clientGrants).filter(
      (g) =>
        (query['audience'] === undefined || g['audience'] === query['audience']) &&
        (query['client_id'] === undefined || g['client_id'] === query['client_id']) &&
        (query['subject_type'] === undefined || (g['subject_type'] ?? 'client') === query['subject_type']),
    );
    return ok(paginate(grants, query, 'client_grants'));
  },
  'get_client-grant': ({ tenant, params }) => ok(find(tenant, params['id'] ?? '')),
  'patch_client-grants_by_id': ({ tenant, params, body }) => {
    const grant = find(tenant, params['id'] ?? '');
    Object.assign(grant, body ?? {});
    tenant.state.commit();
    return ok(grant);
  },
  'delete_client-grants_by_id': ({ tenant, params }) => {
    find(tenant, params['id'] ?? '');
    delete tenant.state.data.clientGrants[params['id'] ?? ''];
    tenant.state.commit();
    return noContent();
  },
};
