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

describe('resource servers', () => {
  it('creates an API tied to applications, finds it by identifier, and refuses a duplicate with 409', async () => {
    const created = await sdk.resourceServers
      .create({
        name: 'SaaS API',
        identifier: 'https://api.saas.example.com',
        signing_alg: 'RS256',
        subject_type_authorization: { user: { policy: 'require_client_grant' } },
      })
      .withRawResponse();
    expect(created.rawResponse.status).toBe(201);
    expect(specComplaint(emulator, 'post_resource-servers', 201, created.data)).toBeNull();
    const byIdentifier = await sdk.resourceServers.get('https://api.saas.example.com');
    expect(byIdentifier.id).toBe(created.data.id);
    expect(specComplaint(emulator, 'get_resource-servers_by_id', 200, byIdentifier)).toBeNull();
    const duplicate = await sdk.resourceServers.create({ identifier: 'https://api.saas.example.com' }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(Management.ConflictError);
    expect((duplicate as Management.ConflictError).body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    const updated = await sdk.resourceServers.update(created.data.id!, { token_dialect: 'rfc9068_profile' });
    expect(updated.token_dialect).toBe('rfc9068_profile');
    const listed = await sdk.resourceServers.list({ per_page: 50 });
    expect(specComplaint(emulator, 'get_resource-servers', 200, listed.response)).toBeNull();
    // A tenant always has the system Management API.
    expect(listed.data.map((rs) => rs.identifier)).toEqual([`https://${emulator.domain}/api/v2/`, 'https://api.saas.example.com']);
    await sdk.resourceServers.delete(created.data.id!);
    await expect(sdk.resourceServers.get(created.data.id!)).rejects.toBeInstanceOf(Management.NotFoundError);
  });
});

describe('client grants', () => {
  it('grants an application user access to an API once, and pages grants with from/take', async () => {
    await sdk.resourceServers.create({ identifier: 'https://grants.example.com', name: 'grants' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await sdk.clients.create({ name: `app-${i}`, app_type: 'spa' })).client_id!);
    const grant = await sdk.clientGrants
      .create({ client_id: ids[0]!, audience: 'https://grants.example.com', scope: [], subject_type: 'user' })
      .withRawResponse();
    expect(grant.rawResponse.status).toBe(201);
    expect(specComplaint(emulator, 'post_client-grants', 201, grant.data)).toBeNull();
    const again = await sdk.clientGrants
      .create({ client_id: ids[0]!, audience: 'https://grants.example.com', scope: [], subject_type: 'user' })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Management.ConflictError);
    const unknownApi = await sdk.clientGrants.create({ client_id: ids[0]!, audience: 'https://nope.example.com', scope: [] }).catch((e: unknown) => e);
    expect(unknownApi).toBeInstanceOf(Management.NotFoundError);
    for (const id of ids.slice(1)) await sdk.clientGrants.create({ client_id: id, audience: 'https://grants.example.com', scope: [], subject_type: 'user' });

    const seen: string[] = [];
    for await (const g of await sdk.clientGrants.list({ audience: 'https://grants.example.com', take: 3 })) seen.push(g.client_id!);
    expect(seen).toEqual(ids);
    const page = await sdk.clientGrants.list({ take: 3 });
    expect(specComplaint(emulator, 'get_client-grants', 200, page.response)).toBeNull();
    // Deleting an application removes its grants.
    await sdk.clients.delete(ids[0]!);
    const left = (await sdk.clientGrants.list({ client_id: ids[0]! })).data;
    expect(left).toEqual([]);
  });
});
