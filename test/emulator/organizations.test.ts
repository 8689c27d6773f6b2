import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { specComplaint, testEmulator } from '../helpers/emulator.js';

// The Management API's organization endpoints as Auth0 answers them, validated by the published spec.
let emulator: RunningEmulator;
const checkpointComplaint = (e: RunningEmulator, schema: string, body: unknown) => e.spec.check({ $ref: `#/components/schemas/${schema}` }, body);
let token: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, each test reads the fields it checks
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${emulator.url}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function managementToken(e: RunningEmulator): Promise<string> {
  const res = await fetch(`${e.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: e.clientId, client_secret: e.clientSecret, audience: `${e.url}/api/v2/` }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  emulator = await testEmulator();
  token = await managementToken(emulator);
});
afterAll(() => emulator.close());

describe('organizations', () => {
  it('creates with name, display_name, metadata and enabled connections; finds by id and by name', async () => {
    const created = await api('POST', '/organizations', {
      name: 'acme',
      display_name: 'Acme Corp',
      metadata: { tenants_managed_by: 'auth0-tenants', tenant: 'acme' },
      enabled_connections: [{ connection_id: 'con_0000000000000001', assign_membership_on_login: false }],
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^org_/);
    expect(created.body.enabled_connections).toEqual([
      expect.objectContaining({ connection_id: 'con_0000000000000001', connection: { name: 'Username-Password-Authentication', strategy: 'auth0' } }),
    ]);
    expect(specComplaint(emulator, 'post_organizations', 201, created.body)).toBeNull();
    const byId = await api('GET', `/organizations/${created.body.id}`);
    expect(byId.body).toEqual({
      id: created.body.id,
      name: 'acme',
      display_name: 'Acme Corp',
      metadata: { tenants_managed_by: 'auth0-tenants', tenant: 'acme' },
    });
    expect((await api('GET', '/organizations/name/acme')).body.id).toBe(created.body.id);
    expect((await api('GET', '/organizations/name/nope')).status).toBe(404);
    const connections = await api('GET', `/organizations/${created.body.id}/enabled_connections`);
    expect(connections.body.map((c: { connection_id: string }) => c.connection_id)).toEqual(['con_0000000000000001']);
  });

  it("refuses names outside Auth0's pattern, a duplicate name (409), too many or too long metadata values", async () => {
    for (const name of ['Acme', 'a b', 'x'.repeat(51), 'acmé', '']) {
      const res = await api('POST', '/organizations', { name });
      expect(res.status, name).toBe(400);
    }
    expect((await api('POST', '/organizations', { name: 'ok_name-1' })).status).toBe(201);
    const duplicate = await api('POST', '/organizations', { name: 'ok_name-1' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.statusCode).toBe(409);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v']));
    expect((await api('POST', '/organizations', { name: 'many', metadata: many })).status).toBe(400);
    expect((await api('POST', '/organizations', { name: 'long', metadata: { k: 'x'.repeat(256) } })).status).toBe(400);
    expect((await api('POST', '/organizations', { name: 'numeric', metadata: { k: 1 } })).status).toBe(400);
    expect((await api('POST', '/organizations', { name: 'unknown-field', colour: 'red' })).status).toBe(400);
    expect((await api('POST', '/organizations', { name: 'bad-connection', enabled_connections: [{ connection_id: 'con_nope' }] })).status).toBe(404);
  });

  it('patches (metadata merged, null removes a key; renaming onto another name is 409) and deletes', async () => {
    const org = (await api('POST', '/organizations', { name: 'patchme', metadata: { a: '1', b: '2' } })).body;
    const patched = await api('PATCH', `/organizations/${org.id}`, { display_name: 'Patched', metadata: { a: null, c: '3' } });
    expect(patched.body).toMatchObject({ display_name: 'Patched', metadata: { b: '2', c: '3' } });
    expect((await api('PATCH', `/organizations/${org.id}`, { name: 'acme' })).status).toBe(409);
    expect((await api('DELETE', `/organizations/${org.id}`)).status).toBe(204);
    expect((await api('GET', `/organizations/${org.id}`)).status).toBe(404);
  });

  it('lists with checkpoint paging beyond 1,000 and refuses offset pages past 1,000 records', async () => {
    const fresh = await testEmulator();
    const saved = { emulator, token };
    emulator = fresh;
    token = await managementToken(fresh);
    try {
      for (let i = 0; i < 1030; i++)
        fresh.tenant.state.data.organizations![`org_${String(i).padStart(16, '0')}`] = { id: `org_${String(i).padStart(16, '0')}`, name: `o${i}` };
      const seen: string[] = [];
      let from: string | undefined;
      let pages = 0;
      do {
        const page = await api('GET', `/organizations?take=100${from ? `&from=${from}` : ''}`);
        expect(page.status).toBe(200);
        // The spec's oneOf cannot tell a last checkpoint page from an offset page: check the checkpoint shape itself.
        expect(checkpointComplaint(fresh, 'ListOrganizationsPaginatedResponseContent', page.body)).toBeNull();
        seen.push(...page.body.organizations.map((o: { id: string }) => o.id));
        from = page.body.next;
        pages++;
      } while (from);
      expect(pages).toBe(11);
      expect(new Set(seen).size).toBe(1030);
      expect((await api('GET', '/organizations?page=9&per_page=100')).status).toBe(200);
      const past = await api('GET', '/organizations?page=10&per_page=100');
      expect(past.status).toBe(400);
      expect(past.body.errorCode).toBe('invalid_paging');
      expect((await api('GET', '/organizations?take=101')).status).toBe(400);
    } finally {
      ({ emulator, token } = saved);
      await fresh.close();
    }
  });
});

describe('members', () => {
  it('adds and removes at most 10 per request and pages members with from/take past 1,000', async () => {
    const org = (await api('POST', '/organizations', { name: 'members', enabled_connections: [{ connection_id: 'con_0000000000000001' }] })).body;
    const ids: string[] = [];
    for (let i = 0; i < 1005; i++) {
      const id = `auth0|m${String(i).padStart(5, '0')}`;
      emulator.tenant.state.data.users[id] = {
        user_id: id,
        email: `m${i}@members.example`,
        name: `m${i}`,
        identities: [{ connection: 'Username-Password-Authentication' }],
      };
      ids.push(id);
    }
    const eleven = await api('POST', `/organizations/${org.id}/members`, { members: ids.slice(0, 11) });
    expect(eleven.status).toBe(400);
    expect(eleven.body.message).toMatch(/maximum 10/);
    expect((await api('POST', `/organizations/${org.id}/members`, { members: [] })).status).toBe(400);
    expect((await api('POST', `/organizations/${org.id}/members`, { members: ['auth0|ghost'] })).status).toBe(404);
    for (let i = 0; i < ids.length; i += 10)
      expect((await api('POST', `/organizations/${org.id}/members`, { members: ids.slice(i, i + 10) })).status).toBe(204);
    // Adding a member again changes nothing.
    expect((await api('POST', `/organizations/${org.id}/members`, { members: ids.slice(0, 2) })).status).toBe(204);
    const seen: string[] = [];
    let from: string | undefined;
    do {
      const page = await api('GET', `/organizations/${org.id}/members?take=100${from ? `&from=${from}` : ''}`);
      expect(checkpointComplaint(emulator, 'ListOrganizationMembersPaginatedResponseContent', page.body)).toBeNull();
      seen.push(...page.body.members.map((m: { user_id: string }) => m.user_id));
      from = page.body.next;
    } while (from);
    expect(seen).toEqual([...ids].sort());
    const first = (await api('GET', `/organizations/${org.id}/members?per_page=2&include_totals=true`)).body;
    expect(first).toMatchObject({ start: 0, limit: 2, total: 1005 });
    expect(first.members[0]).toEqual({ user_id: ids[0], email: 'm0@members.example', name: 'm0' });
    expect((await api('GET', `/organizations/${org.id}/members?page=10&per_page=100`)).body.errorCode).toBe('invalid_paging');
    expect((await api('DELETE', `/organizations/${org.id}/members`, { members: ids.slice(0, 11) })).status).toBe(400);
    expect((await api('DELETE', `/organizations/${org.id}/members`, { members: ids.slice(0, 10) })).status).toBe(204);
    const after = (await api('GET', `/organizations/${org.id}/members?take=5`)).body;
    expect(after.members[0].user_id).toBe(ids[10]);
  });
});

describe("a user's organizations", () => {
  it('GET /users/{id}/organizations lists the organizations the user is a member of (404 for an unknown user)', async () => {
    const a = (await api('POST', '/organizations', { name: 'uo-a' })).body;
    const b = (await api('POST', '/organizations', { name: 'uo-b' })).body;
    await api('POST', '/organizations', { name: 'uo-c' });
    const id = 'auth0|uo1';
    emulator.tenant.state.data.users[id] = { user_id: id, email: 'uo1@example.com', identities: [{ connection: 'Username-Password-Authentication' }] };
    expect((await api('GET', `/users/${encodeURIComponent(id)}/organizations`)).body).toEqual([]);
    await api('POST', `/organizations/${a.id}/members`, { members: [id] });
    await api('POST', `/organizations/${b.id}/members`, { members: [id] });
    const listed = await api('GET', `/users/${encodeURIComponent(id)}/organizations?per_page=50&include_totals=true`);
    expect(listed.status).toBe(200);
    expect(specComplaint(emulator, 'get_user_organizations', 200, listed.body)).toBeNull();
    expect(listed.body.organizations.map((o: { name: string }) => o.name).sort()).toEqual(['uo-a', 'uo-b']);
    expect(listed.body.total).toBe(2);
    await api('DELETE', `/organizations/${a.id}/members`, { members: [id] });
    expect((await api('GET', `/users/${encodeURIComponent(id)}/organizations`)).body.map((o: { name: string }) => o.name)).toEqual(['uo-b']);
    expect((await api('GET', `/users/${encodeURIComponent('auth0|nobody')}/organizations`)).status).toBe(404);
  });
});

describe('invitations', () => {
  it('needs an application with an https login URI, answers an invitation URL, lists and deletes', async () => {
    const org = (await api('POST', '/organizations', { name: 'inviting', enabled_connections: [{ connection_id: 'con_0000000000000001' }] })).body;
    const noLogin = (await api('POST', '/clients', { name: 'no login uri', app_type: 'spa' })).body;
    const app = (
      await api('POST', '/clients', {
        name: 'app',
        app_type: 'spa',
        initiate_login_uri: 'https://app.example.com/login',
        organization_usage: 'require',
        organization_require_behavior: 'pre_login_prompt',
      })
    ).body;
    expect(app).toMatchObject({ organization_usage: 'require', organization_require_behavior: 'pre_login_prompt' });
    expect((await api('POST', '/clients', { name: 'bad usage', organization_usage: 'always' })).status).toBe(400);
    const invite = (clientId: string, extra = {}) =>
      api('POST', `/organizations/${org.id}/invitations`, {
        inviter: { name: 'Admin' },
        invitee: { email: 'New.Person@Example.com' },
        client_id: clientId,
        ttl_sec: 3600,
        send_invitation_email: false,
        ...extra,
      });
    expect((await invite(noLogin.client_id)).status).toBe(400);
    expect((await invite(app.client_id, { connection_id: 'con_other' })).status).toBe(400);
    const created = await invite(app.client_id);
    expect(created.status).toBe(200);
    expect(specComplaint(emulator, 'post_invitations', 200, created.body)).toBeNull();
    const url = new URL(created.body.invitation_url);
    expect(url.origin + url.pathname).toBe('https://app.example.com/login');
    expect(url.searchParams.get('organization')).toBe(org.id);
    expect(url.searchParams.get('organization_name')).toBe('inviting');
    expect(url.searchParams.get('invitation')).toBeTruthy();
    expect(created.body.invitee.email).toBe('new.person@example.com');
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(3600_000);
    const list = await api('GET', `/organizations/${org.id}/invitations`);
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    expect(JSON.stringify(list.body)).not.toContain('__ticket');
    expect((await api('DELETE', `/organizations/${org.id}/invitations/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', `/organizations/${org.id}/invitations`)).body).toEqual([]);
  });
});

describe('scopes and tenant settings', () => {
  it("the emulator's M2M application holds the organization scopes; a token without them is 403", async () => {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    for (const scope of [
      'read:organizations',
      'create:organizations',
      'update:organizations',
      'delete:organizations',
      'read:organization_members',
      'create:organization_members',
      'delete:organization_members',
      'create:organization_invitations',
      'read:organization_invitations',
      'delete:organization_invitations',
    ]) {
      expect(payload.scope.split(' ')).toContain(scope);
    }
    const grant = Object.values(emulator.tenant.state.data.clientGrants).find((g) => g['client_id'] === emulator.clientId)!;
    const saved = grant['scope'];
    grant['scope'] = ['read:clients'];
    try {
      const narrow = await managementToken(emulator);
      const res = await fetch(`${emulator.url}/api/v2/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${narrow}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'nope' }),
      });
      expect(res.status).toBe(403);
    } finally {
      grant['scope'] = saved;
    }
  });

  it('PATCH /tenants/settings turns allow_organization_name_in_authentication_api on and off', async () => {
    expect((await api('GET', '/tenants/settings')).body.allow_organization_name_in_authentication_api).toBe(false);
    expect(
      (await api('PATCH', '/tenants/settings', { allow_organization_name_in_authentication_api: true })).body.allow_organization_name_in_authentication_api,
    ).toBe(true);
    expect((await api('PATCH', '/tenants/settings', { allow_organization_name_in_authentication_api: false })).status).toBe(200);
  });
});
