import { describe, expect, it } from 'vitest';
import { inviteUsers, parseInviteEmails, ticketResultUrl } from '../../src/core/invite-users.js';
import { FakePort } from '../helpers/fake-port.js';

describe('inviting users', () => {
  it('lower-cases and de-duplicates addresses, and refuses a bad one before anything is sent', () => {
    expect(parseInviteEmails(['Ann@Acme.example', 'ann@acme.example '])).toEqual(['ann@acme.example']);
    expect(() => parseInviteEmails(['ann@acme.example', 'nope'])).toThrow(expect.objectContaining({ code: 'invalid_email', kind: 'usage' }));
  });

  it("sends the person back to the application's login route, else its first callback without a wildcard", () => {
    expect(ticketResultUrl({ client_id: 'c', callbacks: ['https://*.x.example/cb', 'https://app.x.example/cb'] })).toBe('https://app.x.example/cb');
    expect(ticketResultUrl({ client_id: 'c', callbacks: ['https://app.x.example/cb'], initiate_login_uri: 'https://app.x.example/login' } as never)).toBe(
      'https://app.x.example/login',
    );
    expect(ticketResultUrl({ client_id: 'c' })).toBeUndefined();
  });

  it('converges after a create whose answer was lost: the retry finds the user instead of creating a second', async () => {
    const port = new FakePort();
    let lost = true;
    port.after = (method) => {
      if (method === 'createUser' && lost) {
        lost = false;
        throw new Error('socket hang up');
      }
    };
    await expect(inviteUsers(port, 'acme', ['ann@acme.example'], { move: false, resultUrl: undefined })).rejects.toThrow('socket hang up');
    const again = await inviteUsers(port, 'acme', ['ann@acme.example'], { move: false, resultUrl: 'https://acme.example/cb' });
    expect(again).toMatchObject([{ email: 'ann@acme.example', created: false, action: 'unchanged', from: 'acme' }]);
    expect(port.users).toHaveLength(1);
    expect(port.tickets).toEqual([{ user_id: port.users[0]!.user_id, mark_email_as_verified: true, result_url: 'https://acme.example/cb' }]);
    expect(JSON.stringify(again)).not.toMatch(/password/i);
  });

  it('refuses the whole batch when one user belongs to another tenant, unless move', async () => {
    const port = new FakePort();
    port.users = [{ user_id: 'auth0|g', email: 'gus@globex.example', app_metadata: { tenant: 'globex' } }];
    await expect(inviteUsers(port, 'acme', ['new@acme.example', 'gus@globex.example'], { move: false, resultUrl: undefined })).rejects.toMatchObject({
      code: 'user_in_other_tenant',
    });
    expect(port.calls.filter((c) => c !== 'findUsersByEmail')).toEqual([]);
    const moved = await inviteUsers(port, 'acme', ['gus@globex.example'], { move: true, resultUrl: undefined });
    expect(moved).toMatchObject([{ action: 'move', from: 'globex' }]);
    expect(port.users[0]!.app_metadata).toEqual({ tenant: 'acme' });
  });
});
