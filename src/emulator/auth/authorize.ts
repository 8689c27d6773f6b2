import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http.js';
import { ApiError } from '../api-error.js';
import { loginPage, organizationPromptPage, type LoginPageOptions } from '../login/login-page.js';
import { organizationForLogin, requireBehaviorOf, usageOf } from '../login/organization-login.js';
import { addMembers, invitationByTicket, organizationByName, orgState } from '../management/organizations.js';
import { authorizeLogin, hash } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { checkPassword, DATABASE_CONNECTION, userHandlers } from '../management/users.js';
import { OAuthError } from '../oauth.js';
import type { Entity } from '../state.js';
import { RESPONSE_MODES, sendAuthorizationResponse, sendErrorPage, type ResponseMode } from './authorization-response.js';
import { findLoginClient, scopesOf, urlListed, userByEmail } from './common.js';
import { organizationNamesAllowed } from '../management/tenant-settings.js';
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
  if (!urlListed(client['callbacks'], redirectUri, organizationContext(tenant, client, q))) {
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

  // Organizations: the application's organization_usage decides whether `organization` is refused, allowed or
  // needed; without one, `pre_login_prompt` (and, here, `post_login_prompt`) asks for the organization's name first.
  let org: Entity | undefined;
  try {
    if (!q['organization'] && usageOf(client) === 'require' && requireBehaviorOf(client) !== 'no_prompt') {
      if (prompts.includes('none')) return fail('login_required', 'Login required');
      return showPage(res, tenant, q, client, 'organization');
    }
    org = organizationForLogin(tenant, client, q['organization']);
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.message);
    throw error;
  }
  if (org) q['organization'] = String(org['id']);
  if (q['invitation'] !== undefined) {
    if (!org) return fail('invalid_request', 'parameter organization is required with invitation');
    const invitation = invitationByTicket(tenant, String(org['id']), q['invitation']);
    if (!invitation) return fail('invalid_request', 'the invitation is invalid, expired or was already used');
    // An invitation always shows the page: the invitee logs in, or signs up, as the invited email.
    return showPage(res, tenant, q, client, 'login');
  }

  const session = currentSession(req, tenant);
  const fresh = satisfiesMaxAge(session, q);
  if (prompts.includes('none')) {
    if (!fresh) return fail('login_required', 'Login required');
    return finishLogin(req, res, tenant, client, q, session);
  }
  if (fresh && !prompts.includes('login')) return finishLogin(req, res, tenant, client, q, session);
  return showPage(res, tenant, q, client, 'login');
}

/**
 * The organization a transaction is in, for URLs with `{organization_name}`: its name when the application takes
 * organizations and the request names one of the tenant's (by id, or by name with the tenant setting); any name
 * when the organization prompt will ask for it; otherwise none (the placeholder entries are not evaluated).
 */
function organizationContext(tenant: Tenant, client: Entity, q: Query): string | { any: true } | undefined {
  const usage = usageOf(client);
  if (usage === 'deny') return undefined;
  const param = q['organization'];
  if (!param) return usage === 'require' && requireBehaviorOf(client) !== 'no_prompt' ? { any: true } : undefined;
  const org = orgState(tenant).organizations[param] ?? (organizationNamesAllowed(tenant) ? organizationByName(tenant, param.toLowerCase()) : undefined);
  return org ? String(org['name']) : undefined;
}

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/** Starts a login transaction and shows its first page: the organization prompt or the login form. */
function showPage(res: ServerResponse, tenant: Tenant, q: Query, client: Entity, page: 'organization' | 'login'): void {
  const transaction = randomBytes(16).toString('base64url');
  tenant.state.data.grants[`txn:${transaction}`] = { type: 'transaction', query: q, exp: Math.floor(Date.now() / 1000) + CODE_TTL_S };
  tenant.state.commit();
  const name = String(client['name'] ?? '');
  res
    .writeHead(200, HTML)
    .end(page === 'organization' ? organizationPromptPage(transaction, name) : loginPage(transaction, name, undefined, pageOptions(tenant, q)));
}

function pageOptions(tenant: Tenant, q: Query): LoginPageOptions {
  const org = q['organization'] ? orgState(tenant).organizations[q['organization']] : undefined;
  if (!org) return {};
  const display = String(org['display_name'] ?? org['name']);
  const invitation = q['invitation'] ? invitationByTicket(tenant, String(org['id']), q['invitation']) : undefined;
  if (invitation) return { invitation: { email: String((invitation['invitee'] as Entity)['email']), organization: display } };
  return { organization: display };
}

/** A session recent enough for the request's `max_age` (any session when none is asked). */
function satisfiesMaxAge(session: Session | undefined, q: Query): session is Session {
  return session !== undefined && (q['max_age'] === undefined || Math.floor(Date.now() / 1000) - session.authTime <= Number(q['max_age']));
}

/** The login transaction a page's form posts back (by its `state`), and its client; answers the error page when gone. */
function openTransaction(res: ServerResponse, tenant: Tenant, body: Record<string, unknown>): { key: string; q: Query; client: Entity } | undefined {
  const key = `txn:${String(body['state'])}`;
  const transaction = tenant.state.data.grants[key];
  if (!transaction || Number(transaction['exp']) < Date.now() / 1000) {
    sendErrorPage(res, 400, 'invalid_request', 'The login transaction expired; start again.');
    return undefined;
  }
  const q = transaction['query'] as Query;
  const client = findLoginClient(tenant, q['client_id']);
  if (!client) {
    sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${q['client_id'] ?? ''}`);
    return undefined;
  }
  return { key, q, client };
}

/** `POST /u/organization`: the organization prompt's form. A known name continues to the login (or the session). */
export async function submitOrganization(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = (await readBody(req)) ?? {};
  const opened = openTransaction(res, tenant, body);
  if (!opened) return;
  const { key, q, client } = opened;
  const org = organizationByName(
    tenant,
    String(body['organizationName'] ?? '')
      .trim()
      .toLowerCase(),
  );
  if (!org) {
    res
      .writeHead(200, HTML)
      .end(organizationPromptPage(String(body['state']), String(client['name'] ?? ''), 'We could not find this organization. Check the name and try again.'));
    return;
  }
  delete tenant.state.data.grants[key];
  const next: Query = { ...q, organization: String(org['id']) };
  const session = currentSession(req, tenant);
  const prompts = scopesOf(next['prompt']);
  const fresh = satisfiesMaxAge(session, next);
  if (fresh && !prompts.includes('login')) return finishLogin(req, res, tenant, client, next, session);
  return showPage(res, tenant, next, client, 'login');
}

/** `POST /u/login`: the login page's form. A right password starts a session, then the login pipeline runs. */
export async function submitLogin(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = (await readBody(req)) ?? {};
  const opened = openTransaction(res, tenant, body);
  if (!opened) return;
  const { key, q, client } = opened;
  const again = (message: string) =>
    void res.writeHead(200, HTML).end(loginPage(String(body['state']), String(client['name'] ?? ''), message, pageOptions(tenant, q)));
  const invitation = q['invitation'] && q['organization'] ? invitationByTicket(tenant, q['organization'], q['invitation']) : undefined;
  if (q['invitation'] && !invitation) return sendErrorPage(res, 400, 'invalid_request', 'The invitation is invalid, expired or was already used.');
  const invitee = invitation ? String((invitation['invitee'] as Entity)['email']) : undefined;
  if (invitee !== undefined && String(body['username'] ?? '').toLowerCase() !== invitee) return again(`This invitation is for ${invitee}.`);
  let user = userByEmail(tenant, body['username']);
  if (!user && invitee !== undefined) {
    // A new invitee signs up through the invitation: the account is created in the invitation's connection.
    try {
      const reply = await userHandlers['post_users']!({
        tenant,
        params: {},
        query: {},
        body: { connection: DATABASE_CONNECTION, email: invitee, password: String(body['password'] ?? ''), email_verified: true },
      });
      user = reply.body as Entity;
    } catch (error) {
      if (error instanceof ApiError) return again(error.message);
      throw error;
    }
  } else if (!user || !checkPassword(user, String(body['password'] ?? ''))) {
    return again('Wrong email or password.');
  }
  delete tenant.state.data.grants[key];
  if (invitation && q['organization']) {
    // Accepting the invitation makes the user a member; the invitation is used up.
    addMembers(tenant, q['organization'], [String(user['user_id'])]);
    delete orgState(tenant).organizationInvitations[String(invitation['id'])];
    tenant.state.commit();
  }
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
      ...(q['organization'] ? { organization: q['organization'] } : {}),
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
