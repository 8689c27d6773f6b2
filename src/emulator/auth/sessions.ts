import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hash } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';

/** Auth0's defaults: a session ends after 3 days without use, and 30 days after the login at the latest. */
const IDLE_S = 3 * 24 * 3600;
const ABSOLUTE_S = 30 * 24 * 3600;
const COOKIE = 'auth0';

export interface Session {
  sid: string;
  userId: string;
  authTime: number;
}

const cookieValue = (req: IncomingMessage): string | undefined => {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
};

const cookie = (value: string, maxAge: number) => `${COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=None`;

/** The login session the browser's `auth0` cookie points at, if it is still alive (and its user too). */
export function currentSession(req: IncomingMessage, tenant: Tenant): Session | undefined {
  const value = cookieValue(req);
  if (!value) return undefined;
  const key = `session:${hash(value)}`;
  const session = tenant.state.data.grants[key];
  const now = Math.floor(Date.now() / 1000);
  if (!session || Number(session['idleExp']) < now || Number(session['exp']) < now || !tenant.state.data.users[String(session['userId'])]) {
    return undefined;
  }
  session['idleExp'] = now + IDLE_S;
  return { sid: String(session['sid']), userId: String(session['userId']), authTime: Number(session['authTime']) };
}

/** Starts a session after a login with a password: the `auth0` cookie (HttpOnly, Secure, SameSite=None). */
export function startSession(res: ServerResponse, tenant: Tenant, userId: string, previous?: IncomingMessage): Session {
  if (previous) endSession(previous, res, tenant);
  const value = randomBytes(32).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const session = { sid: randomBytes(16).toString('base64url'), userId, authTime: now };
  tenant.state.data.grants[`session:${hash(value)}`] = { type: 'session', ...session, idleExp: now + IDLE_S, exp: now + ABSOLUTE_S };
  tenant.state.commit();
  res.setHeader('set-cookie', cookie(value, IDLE_S));
  return session;
}

/** Ends the browser's session, if any, and clears its cookie. */
export function endSession(req: IncomingMessage, res: ServerResponse, tenant: Tenant): void {
  const value = cookieValue(req);
  if (value) {
    delete tenant.state.data.grants[`session:${hash(value)}`];
    tenant.state.commit();
  }
  res.setHeader('set-cookie', cookie('', 0));
}
