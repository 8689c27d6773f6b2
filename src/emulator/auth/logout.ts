import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, decodeProtectedHeader, type JWTPayload } from 'jose';
import { readBody } from '../http.js';
import type { Tenant } from '../management/handler.js';
import { issuerOf } from '../oauth.js';
import type { SigningKeys } from '../signing.js';
import type { Entity } from '../state.js';
import { sendErrorPage, sendPage } from './authorization-response.js';
import { findLoginClient, urlListed } from './common.js';
import { endSession } from './sessions.js';

const redirect = (res: ServerResponse, location: string): void => {
  res.writeHead(302, { location, 'cache-control': 'no-store' }).end();
};

/**
 * `GET /v2/logout?client_id&returnTo`: `returnTo` must be one of the application's allowed logout URLs (without
 * `client_id`, of the tenant's, which the emulator has none of); else Auth0's error page and the session stays.
 * Without `returnTo` it goes to the application's first allowed logout URL, or shows a plain page.
 */
export function v2Logout(req: IncomingMessage, res: ServerResponse, url: URL, tenant: Tenant): void {
  const clientId = url.searchParams.get('client_id') ?? undefined;
  const returnTo = url.searchParams.get('returnTo') ?? undefined;
  const client = findLoginClient(tenant, clientId);
  if (clientId !== undefined && !client) return sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${clientId}`);
  if (returnTo !== undefined && !urlListed(client?.['allowed_logout_urls'], returnTo)) {
    return sendErrorPage(
      res,
      400,
      'invalid_request',
      `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs". To add a new URL, please do it here: https://manage.auth0.com/#/applications/${clientId ?? ''}/settings`,
    );
  }
  endSession(req, res, tenant);
  const target = returnTo ?? (client?.['allowed_logout_urls'] as string[] | undefined)?.find((u) => !u.includes('*'));
  if (target) return redirect(res, target);
  sendPage(res, 'Logged out', '<p>OK</p>');
}

/**
 * `/oidc/logout` (RP-initiated logout, GET or POST): the application comes from `client_id` or from the audience
 * of `id_token_hint` (an ID token this tenant signed, expired or not; they must agree);
 * `post_logout_redirect_uri` needs one and must be among its allowed logout URLs; `state` is passed back.
 */
export async function oidcLogout(req: IncomingMessage, res: ServerResponse, url: URL, tenant: Tenant, keys: SigningKeys): Promise<void> {
  const params: Record<string, unknown> = {
    ...Object.fromEntries(url.searchParams),
    ...(req.method === 'POST' ? ((await readBody(req).catch(() => undefined)) ?? {}) : {}),
  };
  const text = (name: string) => (typeof params[name] === 'string' && params[name] !== '' ? (params[name] as string) : undefined);
  let clientId = text('client_id');
  const hint = text('id_token_hint');
  if (hint) {
    const payload = await hintPayload(hint, tenant, keys);
    const audience = Array.isArray(payload?.aud) ? payload.aud[0] : payload?.aud;
    if (!payload || payload.iss !== issuerOf(tenant) || !audience) return sendErrorPage(res, 400, 'invalid_request', 'Invalid id_token_hint.');
    if (clientId !== undefined && clientId !== audience)
      return sendErrorPage(res, 400, 'invalid_request', 'The client_id does not match the audience of the id_token_hint.');
    clientId = audience;
  }
  const client = findLoginClient(tenant, clientId);
  if (clientId !== undefined && !client) return sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${clientId}`);
  const postLogout = text('post_logout_redirect_uri');
  if (postLogout !== undefined) {
    if (!client) return sendErrorPage(res, 400, 'invalid_request', 'post_logout_redirect_uri needs client_id or id_token_hint.');
    if (!urlListed(client['allowed_logout_urls'], postLogout)) {
      return sendErrorPage(
        res,
        400,
        'invalid_request',
        `The "post_logout_redirect_uri" parameter "${postLogout}" is not defined as a valid URL in "Allowed Logout URLs".`,
      );
    }
  }
  endSession(req, res, tenant);
  if (!postLogout) return sendPage(res, 'Logged out', '<p>You have been logged out.</p>');
  const back = new URL(postLogout);
  const state = text('state');
  if (state !== undefined) back.searchParams.set('state', state);
  redirect(res, back.toString());
}

/** The claims of an ID token this tenant signed: RS256 with its keys, or HS256 with the application's secret. */
async function hintPayload(token: string, tenant: Tenant, keys: SigningKeys): Promise<JWTPayload | undefined> {
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') return await keys.signedPayload(token);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as JWTPayload;
    const client: Entity | undefined = findLoginClient(tenant, Array.isArray(claims.aud) ? claims.aud[0] : claims.aud);
    if (!client) return undefined;
    await compactVerify(token, new TextEncoder().encode(String(client['client_secret'])));
    return claims;
  } catch {
    return undefined;
  }
}
