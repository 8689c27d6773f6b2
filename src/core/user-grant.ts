import type { ManagementPort } from '../auth0/management-port.js';
import type { ClientGrant } from '../auth0/resources.js';
import { desiredUserGrant } from './desired-state.js';
import type { ProjectConfig } from './project-config.js';
import { retry } from './retry.js';
import { RETRY_POLICIES } from './retry-policies.js';
import { TenantsError } from './tenants-error.js';

/** The user client grant an application holds for the API (under require_client_grant it is what lets users in). */
export const findUserGrant = (grants: ClientGrant[], clientId: string, audience?: string): ClientGrant | undefined =>
  grants.find((g) => g.client_id === clientId && g.subject_type === 'user' && (audience === undefined || g.audience === audience));

/**
 * Creates the application's user client grant. Retried on passing faults (RETRY_POLICIES.grant); a 409 means an earlier answer
 * was lost and the grant exists, which is the state we want (`'exists'`).
 */
export async function createUserGrant(
  deps: { port: ManagementPort; sleep: (ms: number) => Promise<void> },
  config: ProjectConfig,
  clientId: string,
): Promise<ClientGrant | 'exists'> {
  return retry(
    async () => {
      try {
        return await deps.port.createClientGrant(desiredUserGrant(config, clientId));
      } catch (error) {
        if (error instanceof TenantsError && error.details?.['statusCode'] === 409) return 'exists' as const;
        throw error;
      }
    },
    RETRY_POLICIES.grant,
    deps,
  );
}
