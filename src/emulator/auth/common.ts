import type { IncomingMessage } from 'node:http';
import type { LoginInput } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { OAuthError } from '../oauth.js';
import type { Entity } from '../state.js';

/** What the Authentication API's handlers share: finding the application and the user of a request. */

export type Body = Record<string, unknown>;

export const scopesOf = (value: unknown): string[] => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : []);

export const requestInfo = (req: IncomingMessage, url: URL, body: Body = {}): LoginInput['request'] => ({
  ip: req.socket.remoteAddress ?? '',
  method: req.method ?? 'GET',
  hostname: url.host,
  user_agent: String(req.headers['user-agent'] ?? ''),
  query: Object.fromEntries(url.searchParams),
  body,
});

export function userByEmail(tenant: Tenant, username: unknown): Entity | undefined {
  const email = String(username ?? '').toLowerCase();
  return Object.values(tenant.state.data.users).find((u) => u['email'] === email);
}

/** An application users log in to (the tenant's own Management API client is not one). */
export function findLoginClient(tenant: Tenant, clientId: unknown): Entity | undefined {
  const client = typeof clientId === 'string' ? tenant.state.data.clients[clientId] : undefined;
  return client && !client['global'] ? client : undefined;
}

export function loginClient(tenant: Tenant, clientId: unknown): Entity {
  const client = findLoginClient(tenant, clientId);
  if (!client) throw new OAuthError(401, 'invalid_client', 'Unknown client.');
  return client;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Auth0's placeholder for the organization's name in an application's URLs. */
export const ORGANIZATION_NAME_PLACEHOLDER = '{organization_name}';

/**
 * Auth0's URL lists (callbacks, logout URLs): exact match, or `*` standing for one subdomain label. An entry with
 * `{organization_name}` is evaluated only in the context of an organization (Auth0: the application's
 * `organization_usage` is allow or require and the transaction names an organization), with that organization's
 * name in its place; `organization: 'any'` (a login whose organization a prompt asks for later) lets the placeholder
 * stand for any organization name.
 */
export function urlListed(list: unknown, url: string, organization?: string | { any: true }): boolean {
  return ((list as string[] | undefined) ?? []).some((raw) => {
    let entry = raw;
    if (entry.includes(ORGANIZATION_NAME_PLACEHOLDER)) {
      if (organization === undefined) return false;
      if (typeof organization === 'object') {
        const [before, ...rest] = entry.split(ORGANIZATION_NAME_PLACEHOLDER).map(escapeRegExp);
        return new RegExp(`^${[before, ...rest].join('[a-z0-9_-]{1,50}').replaceAll('\\*', '[^./]+')}$`).test(url);
      }
      entry = entry.replaceAll(ORGANIZATION_NAME_PLACEHOLDER, organization);
    }
    if (!entry.includes('*')) return entry === url;
    return new RegExp(`^${entry.split('*').map(escapeRegExp).join('[^./]+')}$`).test(url);
  });
}

const originOf = (entry: string): string => {
  try {
    return new URL(entry).origin;
  } catch {
    return entry.replace(/\/+$/, '');
  }
};

/** Whether an application's allowed web origins or allowed origins (CORS) name this origin. */
export function originAllowed(client: Entity, origin: string): boolean {
  const entries = [...((client['web_origins'] as string[] | undefined) ?? []), ...((client['allowed_origins'] as string[] | undefined) ?? [])];
  return entries.some((entry) => {
    const normalized = entry.includes('*') ? entry.replace(/\/+$/, '') : originOf(entry);
    if (!normalized.includes('*')) return normalized === origin;
    return new RegExp(`^${normalized.split('*').map(escapeRegExp).join('[^./]+')}$`).test(origin);
  });
}
