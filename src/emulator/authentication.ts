import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize, submitLogin } from './auth/authorize.js';
import { allowAnyOrigin, answerPreflight, CORS_PATHS } from './auth/cors.js';
import { helperLogin } from './auth/helper-login.js';
import { oidcLogout, v2Logout } from './auth/logout.js';
import { passwordResetPage, submitPasswordReset } from './auth/password-reset.js';
import { revoke, token } from './auth/token.js';
import { userinfo } from './auth/userinfo.js';
import { sendJson } from './http.js';
import type { Tenant } from './management/handler.js';
import { OAuthError, openidConfiguration } from './oauth.js';
import type { SigningKeys } from './signing.js';

/**
 * The Authentication API: discovery and keys, `/authorize` with a login page and sessions, `/oauth/token`,
 * `/oauth/revoke`, `/userinfo`, logout, the password-change ticket page, and the loopback test login helper.
 * Endpoints browsers call with fetch answer CORS as Auth0 does (./auth/cors.ts).
 */
export async function serveAuthentication(req: IncomingMessage, res: ServerResponse, url: URL, tenant: Tenant, keys: SigningKeys): Promise<void> {
  if (req.method === 'OPTIONS' && CORS_PATHS.has(url.pathname)) return answerPreflight(req, res, url.pathname, tenant);
  const route = `${req.method} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        allowAnyOrigin(res);
        return sendJson(res, 200, openidConfiguration(tenant));
      case 'GET /.well-known/jwks.json':
        allowAnyOrigin(res);
        return sendJson(res, 200, keys.jwks);
      case 'GET /authorize':
        return await authorize(req, res, url, tenant);
      case 'POST /u/login':
        return await submitLogin(req, res, tenant);
      case 'POST /oauth/token':
        return sendJson(res, 200, await token(req, res, tenant, keys), { 'cache-control': 'no-store' });
      case 'POST /oauth/revoke':
        return await revoke(req, res, tenant);
      case 'GET /userinfo':
        return sendJson(res, 200, await userinfo(req, res, tenant, keys));
      case 'GET /v2/logout':
        return v2Logout(req, res, url, tenant);
      case 'GET /oidc/logout':
      case 'POST /oidc/logout':
        return await oidcLogout(req, res, url, tenant, keys);
      case 'GET /lo/reset':
        return passwordResetPage(res, url, tenant);
      case 'POST /lo/reset':
        return await submitPasswordReset(req, res, tenant);
      case 'POST /__emulator/login':
        return sendJson(res, 200, await helperLogin(req, tenant, keys));
      default:
        return sendJson(res, 404, { error: 'not_found', error_description: 'Not found' });
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return sendJson(res, error.status, error.toBody());
  }
}
