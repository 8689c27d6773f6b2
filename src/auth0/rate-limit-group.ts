/**
 * Auth0 limits some Management API endpoints on their own, beside the API's global limit (the rate-limit
 * configuration pages list them per plan: Get Organizations, Get Organization by name, Create Organization,
 * ...). Requests of one group share one budget. The emulator (`--rate-limit-group <group>=<rps>`) and the
 * client-side pacer agree on the groups through this one table.
 */
export const RATE_LIMIT_GROUPS = [
  'organizations-read',
  'organizations-write',
  'organization-members',
  'organization-connections',
  'organization-invitations',
] as const;
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number];

/** The group of a Management API request (`path` with or without the `/api/v2` prefix and query); undefined: the global budget only. */
export function rateLimitGroup(method: string, path: string): RateLimitGroup | undefined {
  const route = path
    .replace(/[?#].*$/, '')
    .replace(/^(?:https?:\/\/[^/]+)?(?:\/api\/v2)?/, '')
    .replace(/\/+$/, '');
  const verb = method.toUpperCase();
  if (!route.startsWith('/organizations')) return undefined;
  const segments = route.split('/').filter(Boolean);
  if (segments.length <= 2 || (segments.length === 3 && segments[1] === 'name')) {
    return verb === 'GET' ? 'organizations-read' : 'organizations-write';
  }
  switch (segments[2]) {
    case 'members':
      return 'organization-members';
    case 'enabled_connections':
    case 'connections':
      return 'organization-connections';
    case 'invitations':
      return 'organization-invitations';
    default:
      return verb === 'GET' ? 'organizations-read' : 'organizations-write';
  }
}
