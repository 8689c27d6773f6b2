import { newId, type StateData } from './state.js';
import { SigningKeys } from './signing.js';

/** The scopes the emulator's own M2M application holds for the Management API: everything this tool calls. */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_keys',
  'read:resource_servers',
  'create:resource_servers',
  'update:resource_servers',
  'delete:resource_servers',
  'read:client_grants',
  'create:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:actions',
  'create:actions',
  'update:actions',
  'delete:actions',
  'read:users',
  'create:users',
  'update:users',
  'delete:users',
  'update:users_app_metadata',
  'create:user_tickets',
];

/**
 * A new tenant as Auth0 sets one up: the global "All Applications" client, the system Management API,
 * and one M2M application authorised for it (the credentials the emulator prints when ready).
 */
export async function freshState(): Promise<StateData> {
  const managementClientId = newId();
  const globalId = newId();
  return {
    version: 1,
    managementClientId,
    signingKeys: [await SigningKeys.generateJwk()],
    clients: {
      [globalId]: {
        tenant: 'emulator',
        global: true,
        name: 'All Applications',
        callbacks: [],
        is_first_party: true,
        client_id: globalId,
        client_secret: newId(48),
        jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
      },
      [managementClientId]: {
        tenant: 'emulator',
        global: false,
        name: 'auth0-tenants (Management API)',
        app_type: 'non_interactive',
        is_first_party: true,
        oidc_conformant: true,
        callbacks: [],
        client_metadata: {},
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
        client_id: managementClientId,
        client_secret: newId(48) + newId(16),
      },
    },
    resourceServers: {
      management: {
        id: 'management',
        name: 'Auth0 Management API',
        identifier: '',
        is_system: true,
        signing_alg: 'RS256',
        allow_offline_access: false,
        token_lifetime: 86400,
        skip_consent_for_verifiable_first_party_clients: false,
        scopes: MANAGEMENT_SCOPES.map((value) => ({ value, description: value })),
      },
    },
    clientGrants: {
      cgr_management: {
        id: 'cgr_management',
        client_id: managementClientId,
        audience: '',
        scope: MANAGEMENT_SCOPES,
        subject_type: 'client',
        allow_any_organization: false,
      },
    },
    actions: {},
    actionVersions: {},
    bindings: {},
    users: {},
    grants: {},
  };
}
