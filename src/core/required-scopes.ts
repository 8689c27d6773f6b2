import { TenantsError } from './tenants-error.js';

/** The Management API scopes each command needs before its first write (README lists them all). */
export const REQUIRED_SCOPES = {
  init: [
    'read:resource_servers',
    'create:resource_servers',
    'update:resource_servers',
    'delete:resource_servers',
    'read:actions',
    'create:actions',
    'update:actions',
  ],
  create: ['read:clients', 'create:clients', 'update:clients', 'read:resource_servers', 'read:client_grants', 'create:client_grants'],
  sync: ['read:clients', 'create:clients', 'update:clients', 'read:resource_servers', 'read:client_grants', 'create:client_grants'],
  prune: ['delete:clients', 'read:users', 'update:users'],
  delete: ['read:clients', 'delete:clients', 'read:users', 'update:users'],
  deleteUsers: ['delete:users'],
  /** The run's lease (an API of ours, src/core/run-lease.ts) and removing duplicate applications with their grants. */
  lease: [
    'read:resource_servers',
    'create:resource_servers',
    'update:resource_servers',
    'delete:resource_servers',
    'delete:clients',
    'read:client_grants',
    'delete:client_grants',
  ],
  users: ['read:clients', 'read:users', 'update:users'],
  invite: ['read:clients', 'read:users', 'update:users', 'create:users', 'create:user_tickets'],
} as const satisfies Record<string, readonly string[]>;

const LEASE = ['read:resource_servers', 'create:resource_servers', 'update:resource_servers', 'delete:resource_servers'] as const;
const ORG_WRITE = [
  'read:organizations',
  'create:organizations',
  'update:organizations',
  'read:organization_connections',
  'create:organization_connections',
  'read:connections',
] as const;
const ORG_MEMBERS = ['read:organizations', 'read:organization_members', 'create:organization_members', 'delete:organization_members'] as const;

/** The same, for the organizations strategy (`strategy: "organizations"`): organizations, members, invitations, the shared application. */
export const ORGANIZATION_SCOPES = {
  init: [...REQUIRED_SCOPES.init, 'read:clients', 'create:clients', 'update:clients', 'read:client_grants', 'create:client_grants'],
  create: ['read:clients', 'read:resource_servers', 'read:client_grants', ...ORG_WRITE],
  sync: ['read:clients', 'read:resource_servers', 'read:client_grants', ...ORG_WRITE],
  prune: ['delete:organizations', 'read:organization_members', 'delete:organization_members'],
  delete: ['read:clients', 'read:connections', 'read:organizations', 'delete:organizations', 'read:organization_members', 'delete:organization_members'],
  deleteUsers: ['delete:users'],
  /** The run's lease, and removing a duplicate shared application with its grants. */
  lease: [...LEASE, 'read:clients', 'delete:clients', 'read:client_grants', 'delete:client_grants'],
  users: ['read:clients', 'read:users', 'read:connections', ...ORG_MEMBERS],
  invite: ['read:clients', 'read:users', 'read:connections', ...ORG_MEMBERS, 'create:organization_invitations'],
} as const satisfies Record<keyof typeof REQUIRED_SCOPES, readonly string[]>;

/**
 * `tenants migrate to-organizations` (besides the lease's): the dual phase (organizations, members, the shared
 * application and its grant, the users to read, the Action), and what `--finalize` adds. Not part of what `doctor`
 * asks of every project: only the run that migrates needs them.
 */
export const MIGRATION_SCOPES = {
  dual: [
    'read:clients',
    'create:clients',
    'update:clients',
    'read:client_grants',
    'create:client_grants',
    'read:resource_servers',
    'read:organizations',
    'create:organizations',
    'create:organization_connections',
    'read:organization_members',
    'create:organization_members',
    'read:connections',
    'read:users',
    'read:actions',
    'update:actions',
  ],
  finalize: ['delete:clients', 'delete:client_grants'],
} as const;

/** The scopes each command needs under a strategy. */
export const scopesFor = (strategy: string): Record<keyof typeof REQUIRED_SCOPES, readonly string[]> =>
  strategy === 'organizations' ? ORGANIZATION_SCOPES : REQUIRED_SCOPES;

/** Every scope the tool may use under a strategy: what `doctor` checks the token against. */
export const allScopesFor = (strategy: string): string[] => [...new Set(Object.values(scopesFor(strategy)).flat())].sort();

/** Every scope the tool may use (applications strategy). */
export const ALL_SCOPES: string[] = allScopesFor('applications');

/** The scopes of `needed` that the access token does not carry (none when the token could not be read). */
export const missingScopes = (granted: string[] | undefined, needed: readonly string[]): string[] =>
  granted === undefined ? [] : [...new Set(needed)].filter((s) => !granted.includes(s));

/** Refuses (exit 4) before the first write when the token lacks a scope the command needs, naming each. */
export function assertScopes(granted: string[] | undefined, needed: readonly string[], command: string): void {
  const missing = missingScopes(granted, needed);
  if (missing.length === 0) return;
  throw new TenantsError(
    'credentials',
    'scope_missing',
    `The Management API token lacks ${missing.join(', ')}, which \`tenants ${command}\` needs; nothing was changed.`,
    {
      hint: `Grant ${missing.join(' ')} to your M2M application: Auth0 Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications.`,
      details: { missing },
    },
  );
}
