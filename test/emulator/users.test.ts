import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Management, type ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, specComplaint, testEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let sdk: ManagementClient;
beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
});
afterAll(() => emulator.close());

const connection = 'Username-Password-Authentication';

describe('users', () => {
  it('creates in the database connection, merges app_metadata as Auth0 does, and deletes', async () => {
    const created = await sdk.users
      .create({ connection, email: 'Ann@Acme.example', password: 'Str0ng-pass', app_metadata: { tenant: 'acme', plan: { tier: 'gold', seats: 5 } } })
      .withRawResponse();
    expect(created.rawResponse.status).toBe(201);
    expect(specComplaint(emulator, 'post_users', 201, created.data)).toBeNull();
    expect(created.data.user_id).toMatch(/^auth0\|/);
    expect(created.data.email).toBe('ann@acme.example');
    expect(JSON.stringify(created.data)).not.toContain('password');
    const id = created.data.user_id!;

    const patched = await sdk.users.update(id, { app_metadata: { plan: { tier: 'silver' }, role: 'admin', tenant: null } as never });
    // First level merged; nested object replaced; null deleted the key.
    expect(patched.app_metadata).toEqual({ plan: { tier: 'silver' }, role: 'admin' });
    expect(specComplaint(emulator, 'patch_users_by_id', 200, patched)).toBeNull();

    expect((await sdk.users.get(id)).app_metadata).toEqual({ plan: { tier: 'silver' }, role: 'admin' });
    await sdk.users.delete(id);
    await expect(sdk.users.get(id)).rejects.toBeInstanceOf(Management.NotFoundError);
  });

  it('refuses an unknown connection, a duplicate email, and a weak password', async () => {
    await sdk.users.create({ connection, email: 'dup@example.com', password: 'Str0ng-pass' });
    await expect(sdk.users.create({ connection: 'nope', email: 'x@example.com', password: 'Str0ng-pass' })).rejects.toBeInstanceOf(Management.BadRequestError);
    await expect(sdk.users.create({ connection, email: 'DUP@example.com', password: 'Str0ng-pass' })).rejects.toBeInstanceOf(Management.ConflictError);
    await expect(sdk.users.create({ connection, email: 'weak@example.com', password: 'x' })).rejects.toBeInstanceOf(Management.BadRequestError);
  });

  it('lists and searches by q, and finds by exact email', async () => {
    for (const [email, tenant] of [
      ['a1@acme.example', 'acme'],
      ['a2@acme.example', 'acme'],
      ['g1@globex.example', 'globex'],
    ] as const) {
      await sdk.users.create({ connection, email, password: 'Str0ng-pass', app_metadata: { tenant } });
    }
    const acme: string[] = [];
    for await (const u of await sdk.users.list({ q: 'app_metadata.tenant:"acme"', search_engine: 'v3', per_page: 1 })) acme.push(u.email!);
    expect(acme.sort()).toEqual(['a1@acme.example', 'a2@acme.example']);
    const page = await sdk.users.list({ q: 'email:g1*', search_engine: 'v3' });
    expect(page.data.map((u) => u.email)).toEqual(['g1@globex.example']);
    expect(specComplaint(emulator, 'get_users', 200, page.response)).toBeNull();
    // Exact as stored (Auth0 stores emails lower-cased; the SDK documents the lookup as case-sensitive).
    expect(await sdk.users.listUsersByEmail({ email: 'A1@ACME.example' })).toEqual([]);
    const byEmail = await sdk.users.listUsersByEmail({ email: 'a1@acme.example' });
    expect(byEmail.map((u) => u.email)).toEqual(['a1@acme.example']);
  });
});
