import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http.js';
import { loginPage } from '../login/login-page.js';
import { authorizeLogin, hash } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { checkPassword } from '../management/users.js';
import { OAuthError } from '../oauth.js';
import type { Entity } from '../state.js';
import { RESPONSE_MODES, sendAuthorizationResponse, sendErrorPage, type ResponseMode } from './authorization-response.js';
import { findLoginClient, scopesOf, urlListed, userByEmail } from './common.js';
import { currentSession, startSession, type Session } from './sessions.js';

const CODE_TTL_S = 600;
type Query = Record<string, string>;

/**
 * `GET /authorize` as Auth0 answers it: the client and the redirect URI are checked first (an error page when
 * either is wrong); every later error goes back to the redirect URI in the requested `response_mode` with
 * `error`, `error_description` and `state`. A live session (the `auth0` cookie) logs in without a page unless
 * `prompt=login` or `max_age` asks for a fresh login; `prompt=none` never shows a page (`login_required`).
 */
export async function authorize(req: IncomingMessage, res: ServerResponse, url: URL, tenant: Tenant): Promise<void> {
  const q: Query = Object.fromEntries(url.searchParams);
  const client = findLoginClient(tenant, q['client_id']);
  if (!client) return sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${q['client_id'] ?? '(none)'}`);
  const redirectUri = q['redirect_uri'] ?? '';
  if (!urlListed(client['callbacks'], redirectUri)) {
    return sendErrorPage(res, 400, 'invalid_request', `Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs`);
  }
  const mode = q['response_mode'] ?? 'query';
  const fail = (error: string, description: string) =>
    sendAuthorizationResponse(res, client, redirectUri, RESPONSE_MODES.includes(mode as ResponseMode) ? (mode as ResponseMode) : 'query', {
      error,
      error_description: description,
      state: q['state'],
    });
  if (!RESPONSE_MODES.includes(mode as ResponseMode)) return fail('invalid_request', `Unsupported response_mode: ${mode}`);
  if (q['response_type'] !== 'code') return fail('unsupported_response_type', `Unsupported response type: ${q['response_type'] ?? ''}`);
  if (q['code_challenge'] && q['code_challenge_method'] && !['S256', 'plain'].includes(q['code_challenge_method'])) {
    return fail('invalid_request', 'Unsupported code_challenge_method');
  }
  const prompts = scopesOf(q['prompt']);
  if (prompts.includes('none') && prompts.length > 1) return fail('invalid_request', 'The prompt value "none" cannot be combined with other values.');
  const unknownPrompt = prompts.find((p) => !['none', 'login', 'consent', 'select_account'].includes(p));
  if (unknownPrompt) return fail('invalid_request', `Unsupported prompt: ${unknownPrompt}`);
  if (q['max_age'] !== undefined && !/^\d+$/.test(q['max_age'])) return fail('invalid_request', 'max_age must be a number of seconds.');

  const session = currentSession(req, tenant);
  const fresh = session && (q['max_age'] === undefined || Math.floor(Date.now() / 1000) - session.authTime <= Number(q['max_age']));
  if (prompts.includes('none')) {
    if (!fresh) return fail('login_required', 'Login required');
    return finishLogin(req, res, tenant, client, q, session);
  }
  if (fresh && !prompts.includes('login')) return finishLogin(req, res, tenant, client, q, session);
  const transaction = randomBytes(16).toString('base64url');
  tenant.state.data.grants[`txn:${transaction}`] = { type: 'transaction', query: q, exp: Math.floor(Date.now() / 1000) + CODE_TTL_S };
  tenant.state.commit();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(transaction, String(client['name'] ?? '')));
}

/** `POST /u/login`: the login page's form. A right password starts a session, then the login pipeline runs. */
export async function submitLogin(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = (await readBody(req)) ?? {};
  const key = `txn:${String(body['state'])}`;
  const transaction = tenant.state.data.grants[key];
  if (!transaction || Number(transaction['exp']) < Date.now() / 1000) {
    return sendErrorPage(res, 400, 'invalid_request', 'The login transaction expired; start again.');
  }
  const q = transaction['query'] as Query;
  const client = findLoginClient(tenant, q['client_id']);
  if (!client) return sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${q['client_id'] ?? ''}`);
  const user = userByEmail(tenant, body['username']);
  if (!user || !checkPassword(user, String(body['password'] ?? ''))) {
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(loginPage(String(body['state']), String(client['name'] ?? ''), 'Wrong email or password.'));
    return;
  }
  delete tenant.state.data.grants[key];
  return finishLogin(req, res, tenant, client, q, undefined, user);
}

/** Runs the login pipeline (policy, Actions) for the session's or the just-authenticated user and answers with a code. */
async function finishLogin(
  req: IncomingMessage,
  res: ServerResponse,
  tenant: Tenant,
  client: Entity,
  q: Query,
  session: Session | undefined,
  authenticated?: Entity,
): Promise<void> {
  const user = authenticated ?? tenant.state.data.users[session?.userId ?? ''];
  const mode = (q['response_mode'] ?? 'query') as ResponseMode;
  const redirectUri = q['redirect_uri'] ?? '';
  if (!user)
    return sendAuthorizationResponse(res, client, redirectUri, mode, { error: 'login_required', error_description: 'Login required', state: q['state'] });
  try {
    const auth = await authorizeLogin(tenant, {
      client,
      user,
      audience: q['audience'],
      scope: scopesOf(q['scope'] ?? 'openid'),
      nonce: q['nonce'],
      protocol: 'oidc-basic-profile',
      request: {
        ip: req.socket.remoteAddress ?? '',
        method: req.method ?? 'GET',
        hostname: String(req.headers.host ?? ''),
        user_agent: String(req.headers['user-agent'] ?? ''),
        query: q,
        body: {},
      },
    });
    // The session starts once the login succeeded: a login an Action denied leaves none behind.
    const live = session ?? startSession(res, tenant, String(user['user_id']), req);
    const code = randomBytes(24).toString('base64url');
    tenant.state.data.grants[`code:${hash(code)}`] = {
      type: 'code',
      auth: { ...auth, sid: live.sid, ...(q['max_age'] !== undefined ? { authTime: live.authTime } : {}) },
      redirect_uri: redirectUri,
      challenge: q['code_challenge'],
      method: q['code_challenge_method'] ?? 'plain',
      exp: Math.floor(Date.now() / 1000) + CODE_TTL_S,
    };
    tenant.state.commit();
    return sendAuthorizationResponse(res, client, redirectUri, mode, { code, state: q['state'] });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return sendAuthorizationResponse(res, client, redirectUri, mode, { error: error.error, error_description: error.message, state: q['state'] });
  }
}
