import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Management, type ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, specComplaint, testEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let sdk: ManagementClient;
beforeAll(async () => {
  emulator = await testEmulator({ plan: 'enterprise' });
  sdk = sdkFor(emulator);
});
afterAll(() => emulator.close());

describe('clients through the official SDK', () => {
  it('creates, reads, updates and deletes an application, answering in the published shapes', async () => {
    const created = await sdk.clients.create({ name: 'acme', app_type: 'spa', client_metadata: { tenant: 'acme' } }).withRawResponse();
    expect(created.rawResponse.status).toBe(201);
    expect(specComplaint(emulator, 'post_clients', 201, created.data)).toBeNull();
    const id = created.data.client_id!;
    expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(created.data.client_metadata).toEqual({ tenant: 'acme' });
    // Auth0's documented default for API-created applications is HS256: callers must ask for RS256.
    expect(created.data.jwt_configuration?.alg).toBe('HS256');

    const fetched = await sdk.clients.get(id);
    expect(specComplaint(emulator, 'get_clients_by_id', 200, fetched)).toBeNull();
    expect(fetched.name).toBe('acme');

    const updated = await sdk.clients.update(id, { callbacks: ['https://acme.example.com/callback'], jwt_configuration: { alg: 'RS256' } });
    expect(updated.callbacks).toEqual(['https://acme.example.com/callback']);
    expect(updated.jwt_configuration?.alg).toBe('RS256');
    expect(specComplaint(emulator, 'patch_clients_by_id', 200, updated)).toBeNull();

    await sdk.clients.delete(id);
    await expect(sdk.clients.get(id)).rejects.toBeInstanceOf(Management.NotFoundError);
  });

  it('refuses a field Auth0 does not know, and a wrong type, with 400 in Auth0 error shape', async () => {
    const unknown = await sdk.clients.create({ name: 'x', tenant_slug: 'acme' } as never).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Management.BadRequestError);
    expect((unknown as Management.BadRequestError).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      errorCode: 'invalid_body',
      message: "Payload validation error: 'Additional properties not allowed: tenant_slug'.",
    });
    const wrongType = await sdk.clients.create({ name: 42 } as never).catch((e: unknown) => e);
    expect((wrongType as Management.BadRequestError).statusCode).toBe(400);
    expect(JSON.stringify((wrongType as Management.BadRequestError).body)).toContain('name');
    const before = (await sdk.clients.list({ per_page: 100 })).data.length;
    expect(before).toBeGreaterThan(0);
    expect((await sdk.clients.list({ per_page: 100 })).data.every((c) => c.name !== 'x')).toBe(true);
  });

  it('pages with page/per_page and the include_totals wrapper across many pages', async () => {
    for (let i = 0; i < 230; i++) await sdk.clients.create({ name: `bulk-${i}`, app_type: 'spa' });
    const firstPage = await sdk.clients.list({ page: 0, per_page: 100, include_totals: true }).then((p) => p.response);
    expect(specComplaint(emulator, 'get_clients', 200, firstPage)).toBeNull();
    expect(firstPage).toMatchObject({ start: 0, limit: 100, total: 232 });
    const names: string[] = [];
    for await (const client of await sdk.clients.list({ per_page: 100 })) names.push(client.name ?? '');
    expect(names.filter((n) => n.startsWith('bulk-'))).toHaveLength(230);
    expect(new Set(names).size).toBe(names.length);
    // Without include_totals Auth0 answers a bare array.
    const raw = await fetch(`${emulator.url}/api/v2/clients?page=2&per_page=100`, { headers: { authorization: `Bearer ${await token()}` } });
    const bare = (await raw.json()) as unknown[];
    expect(Array.isArray(bare)).toBe(true);
    expect(bare).toHaveLength(32);
    const tooMany = await fetch(`${emulator.url}/api/v2/clients?per_page=101`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ errorCode: 'invalid_query_string' });
  });
});

async function token(): Promise<string> {
  const res = await fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      audience: `${emulator.url}/api/v2/`,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
