import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http.js';
import { hash } from '../login/pipeline.js';
import type { Tenant } from '../management/handler.js';
import { hashPassword } from '../management/users.js';
import { nowIso, type Entity } from '../state.js';
import { sendErrorPage, sendPage } from './authorization-response.js';

const MIN_LENGTH = 8;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function liveTicket(tenant: Tenant, ticket: unknown): Entity | undefined {
  const grant = tenant.state.data.grants[`ticket:${hash(String(ticket ?? ''))}`];
  if (!grant || Number(grant['exp']) < Date.now() / 1000 || !tenant.state.data.users[String(grant['userId'])]) return undefined;
  return grant;
}

const form = (ticket: string, email: string, error?: string) => `<h1>Change your password</h1>
<p>Enter a new password for <strong id="email">${escapeHtml(email)}</strong> (Auth0 emulator).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/lo/reset">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_LENGTH}">
<label for="confirm">Confirm new password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Reset password</button>
</form>`;

const EXPIRED = 'This ticket was expired or already used. Ask for a new link.';

/** `GET /lo/reset?ticket=...`: the page a password-change ticket opens. */
export function passwordResetPage(res: ServerResponse, url: URL, tenant: Tenant): void {
  const ticket = url.searchParams.get('ticket') ?? '';
  const grant = liveTicket(tenant, ticket);
  if (!grant) return sendErrorPage(res, 400, 'invalid_request', EXPIRED);
  sendPage(res, 'Change your password', form(ticket, String(tenant.state.data.users[String(grant['userId'])]?.['email'] ?? '')));
}

/**
 * `POST /lo/reset`: sets the password (the database connection's policy: at least 8 characters), uses the
 * ticket up, marks the email verified when the ticket said so, then sends the user to the ticket's
 * `result_url` with `success=true`, as Auth0's classic page does, or shows a confirmation.
 */
export async function submitPasswordReset(req: IncomingMessage, res: ServerResponse, tenant: Tenant): Promise<void> {
  const body = (await readBody(req).catch(() => undefined)) ?? {};
  const ticket = String(body['ticket'] ?? '');
  const grant = liveTicket(tenant, ticket);
  if (!grant) return sendErrorPage(res, 400, 'invalid_request', EXPIRED);
  const user = tenant.state.data.users[String(grant['userId'])]!;
  const password = String(body['password'] ?? '');
  const again = (error: string) => sendPage(res, 'Change your password', form(ticket, String(user['email'] ?? ''), error));
  if (password.length < MIN_LENGTH) return again(`PasswordStrengthError: Password is too weak (at least ${MIN_LENGTH} characters).`);
  if (password !== body['confirm']) return again('The passwords do not match.');
  user['__password'] = hashPassword(password);
  if (grant['markEmailVerified']) user['email_verified'] = true;
  user['updated_at'] = nowIso();
  delete tenant.state.data.grants[`ticket:${hash(ticket)}`];
  tenant.state.commit();
  if (typeof grant['resultUrl'] === 'string') {
    const back = new URL(grant['resultUrl']);
    back.searchParams.set('success', 'true');
    back.searchParams.set('message', 'You can now login to the application with the new password.');
    if (grant['includeEmail']) back.searchParams.set('email', String(user['email']));
    res.writeHead(302, { location: back.toString() }).end();
    return;
  }
  sendPage(res, 'Password changed', '<h1>Password changed</h1><p>You can now log in with the new password.</p>');
}
