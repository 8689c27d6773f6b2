import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tenant } from '../management/handler.js';
import { OAuthError } from '../oauth.js';
import type { Entity } from '../state.js';
import { originAllowed } from './common.js';

/** The Authentication API endpoints a browser application calls with fetch. */
export const CORS_PATHS = new Set(['/oauth/token', '/oauth/revoke', '/userinfo', '/.well-known/openid-configuration', '/.well-known/jwks.json']);
const PUBLIC_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/jwks.json']);

/**
 * A CORS preflight. The public documents allow any origin; the others allow an origin that some application
 * of the tenant lists in its allowed web origins or allowed origins (a preflight names no application), and
 * the request itself is then checked against its own application. Other origins get no CORS headers, so the
 * browser blocks the call.
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, path: string, tenant: Tenant): void {
  const origin = req.headers.origin;
  const known = origin && Object.values(tenant.state.data.clients).some((c) => !c['global'] && originAllowed(c, origin));
  if (origin && (PUBLIC_PATHS.has(path) || known)) {
    res
      .writeHead(204, {
        'access-control-allow-origin': PUBLIC_PATHS.has(path) ? '*' : origin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
        'access-control-max-age': '86400',
        vary: 'Origin',
      })
      .end();
    return;
  }
  res.writeHead(204, { vary: 'Origin' }).end();
}

/** Public documents: readable from any origin. */
export function allowAnyOrigin(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
}

/**
 * A cross-origin call to an endpoint of one application (`/oauth/token`, `/oauth/revoke`): allowed from its
 * web origins or allowed origins; from any other origin Auth0 answers 401 `access_denied` "Unauthorized"
 * (its log says "Origin ... is not allowed") with no CORS headers. Calls without an Origin (servers) pass.
 */
export function requireAllowedOrigin(req: IncomingMessage, res: ServerResponse, client: Entity | undefined): void {
  const origin = req.headers.origin;
  if (!origin) return;
  if (!client || !originAllowed(client, origin)) throw new OAuthError(401, 'access_denied', 'Unauthorized');
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'www-authenticate');
  res.setHeader('vary', 'Origin');
}

/** `/userinfo` from a browser: readable from the origins of the application the token was issued to. */
export function allowOriginOf(req: IncomingMessage, res: ServerResponse, client: Entity | undefined): void {
  const origin = req.headers.origin;
  if (!origin || !client || !originAllowed(client, origin)) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'www-authenticate');
  res.setHeader('vary', 'Origin');
}
