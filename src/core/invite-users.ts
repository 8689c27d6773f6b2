import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ManagementPort } from '../auth0/management-port.js';
import type { Client, User } from '../auth0/resources.js';
import { TENANT_TAG } from './desired-state.js';
import { TenantsError, usageError } from './tenants-error.js';

export const DATABASE_CONNECTION = 'Username-Password-Authentication';

export interface Invitation {
  email: string;
  userId: string;
  /** The user was created by this run (else found by email). */
  created: boolean;
  action: 'add' | 'move' | 'unchanged';
  /** The tenant the user belonged to before (null: none). */
  from: string | null;
  /** Where the person sets a password; single use, valid 5 days. */
  ticketUrl: string;
}

const emailSchema = z.email();
const tenantOf = (user: User): string | null => (typeof user.app_metadata?.[TENANT_TAG] === 'string' ? (user.app_metadata[TENANT_TAG] as string) : null);

/** Lower-cased, de-duplicated addresses; a bad one refuses the whole batch before anything is sent. */
export function parseInviteEmails(refs: string[]): string[] {
  const bad = refs.filter((r) => !emailSchema.safeParse(r.trim()).success);
  if (bad.length)
    throw usageError(
      'invalid_email',
      `Not an email address: ${bad.join(', ')}.`,
      'users invite takes email addresses, e.g. tenants users invite acme ann@example.com',
    );
  return [...new Set(refs.map((r) => r.trim().toLowerCase()))];
}

/**
 * Where a ticket sends the person once the password is set: the application's login route
 * (`initiate_login_uri`), else its first callback URL without a wildcard; none leaves Auth0's own page.
 */
export function ticketResultUrl(app: Client): string | undefined {
  const login = (app as { initiate_login_uri?: unknown }).initiate_login_uri;
  if (typeof login === 'string' && login) return login;
  return (app.callbacks ?? []).find((u) => !u.includes('*'));
}

/** A password no one knows: the person sets their own through the ticket. Meets every Auth0 password policy. */
const unusablePassword = () => `${randomBytes(24).toString('base64url')}aA1!`;

/**
 * Invites people into a tenant: finds each database user by exact email (or creates it, unverified, with a
 * random password never shown), sets app_metadata.tenant, and asks Auth0 for a password-change ticket.
 * Users of another tenant refuse the whole batch unless `move`. Re-running converges: existing users are
 * found, members stay, and a fresh ticket is issued.
 */
export async function inviteUsers(
  port: ManagementPort,
  tenant: string,
  emails: string[],
  options: { move: boolean; resultUrl: string | undefined },
): Promise<Invitation[]> {
  const found = new Map<string, User | undefined>();
  for (const email of emails)
    found.set(
      email,
      (await port.findUsersByEmail(email)).find((u) => u.email === email),
    );
  const refused = [...found.values()].filter((u): u is User => u !== undefined && tenantOf(u) !== null && tenantOf(u) !== tenant);
  if (refused.length && !options.move) {
    throw new TenantsError('usage', 'user_in_other_tenant', refused.map((u) => `${u.email} belongs to tenant ${tenantOf(u)}`).join('; ') + '.', {
      hint: `Pass --move to move them to ${tenant}; nothing was changed.`,
    });
  }
  const invitations: Invitation[] = [];
  for (const email of emails) {
    let user = found.get(email);
    let created = false;
    if (!user) {
      user = await port.createUser({
        connection: DATABASE_CONNECTION,
        email,
        password: unusablePassword(),
        email_verified: false,
        verify_email: false,
        app_metadata: { [TENANT_TAG]: tenant },
      });
      created = user !== undefined;
      user ??= (await port.findUsersByEmail(email)).find((u) => u.email === email);
      if (!user) throw new TenantsError('auth0', 'user_not_created', `Auth0 neither created ${email} nor lists it.`, { hint: 'Run the command again.' });
    }
    const from = created ? null : tenantOf(user);
    const action = from === tenant ? 'unchanged' : from === null ? 'add' : 'move';
    if (action !== 'unchanged') await port.updateAppMetadata(user.user_id, { [TENANT_TAG]: tenant });
    const ticketUrl = await port.createPasswordChangeTicket({
      user_id: user.user_id,
      mark_email_as_verified: true,
      ...(options.resultUrl ? { result_url: options.resultUrl } : {}),
    });
    invitations.push({ email, userId: user.user_id, created, action: created ? 'add' : action, from, ticketUrl });
  }
  return invitations;
}
