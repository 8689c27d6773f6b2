/** Auth0's entity limits per subscription (REFERENCE.md: applications, APIs and client grants). */
export const PLANS = {
  free: { clients: 10, resourceServers: 10, clientGrants: 100 },
  'self-service': { clients: 100, resourceServers: 100, clientGrants: 10_000 },
  enterprise: { clients: 100_000, resourceServers: 100_000, clientGrants: 100_000 },
} as const;

export type PlanName = keyof typeof PLANS;
