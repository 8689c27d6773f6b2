import type { ManagementPort } from '../auth0/management-port.js';
import type { Client, ClientGrant, ResourceServer } from '../auth0/resources.js';
import type { ProjectConfig } from './project-config.js';
import { TenantsError } from './tenants-error.js';

export interface CurrentState {
  clients: Client[];
  api: ResourceServer;
  grants: ClientGrant[];
}

/** Reads what exists once: every application (paged), the shared API, and the API's client grants. */
export async function readCurrentState(port: ManagementPort, config: ProjectConfig): Promise<CurrentState> {
  const api = await port.findResourceServer(config.audience);
  if (!api) {
    throw new TenantsError('auth0', 'api_missing', `The shared API ${config.audience} does not exist in Auth0.`, {
      hint: 'Run `tenants init` first.',
    });
  }
  const [clients, grants] = await Promise.all([port.listClients(), port.listClientGrants({ audience: config.audience })]);
  return { clients, api, grants };
}

export const requiresClientGrant = (api: ResourceServer): boolean => api.subject_type_authorization?.user?.policy === 'require_client_grant';
