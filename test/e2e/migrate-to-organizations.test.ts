import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema, migratePlanSchema, migrateResultSchema } from '../../src/core/output-schemas.js';
import type { RequestRecord, RunningEmulator } from '../../src/emulator/emulator.js';
import { BIN, runCli, type CliResult } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { PYTHON } from '../helpers/python.js';
import { credentialsEnv, snapshot, tempDir, writes } from '../helpers/workspace.js';

// A populated application-per-tenant project (3 tenants with users) migrated to Organizations against the
// embedded emulator, killed at several points on the way. At every phase a same-tenant token is accepted and a
// cross-tenant one refused: at login, by `tenants verify-token` and by the generated FastAPI tenant_auth.py.
const AUDIENCE = 'https://api.migrate.example.com';
const NAMESPACE = 'https://migrate.example.com/';
const CLAIM = `${NAMESPACE}tenant`;
const PASSWORD = 'Str0ng-pass';
const TENANTS = ['acme', 'globex', 'initech'] as const;
type TenantId = (typeof TENANTS)[number];
const USERS: Record<TenantId, string[]> = {
  acme: ['ann@acme.example', 'amy@acme.example', 'abe@acme.example'],
  globex: ['gus@globex.example', 'gia@globex.example'],
  initech: ['ian@initech.example'],
};
const work = tempDir('tenants-migrate-');
let emulator: RunningEmulator;
const legacyClient: Partial<Record<TenantId, string>> = {};
const legacyTokens: Partial<Record<TenantId, string>> = {};
const userIds: Record<string, string> = {};

const env = () => ({ ...credentialsEnv(emulator), TENANTS_LEASE_SECONDS: '2' });
const cli = (args: string[], input?: string) => runCli(args, { cwd: work.path, env: env(), ...(input === undefined ? {} : { input }) });
const migrate = (...flags: string[]) => cli(['migrate', 'to-organizations', '--max-rps', '200', '--json', ...flags]);
const tenantJson = (t: TenantId) => JSON.parse(readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8')) as Record<string, unknown>;
const spaEnv = (t: TenantId) => readFileSync(join(work.path, 'tenants', t, 'spa.env'), 'utf8');
const config = () => JSON.parse(readFileSync(join(work.path, 'tenants.config.json'), 'utf8')) as { strategy?: string };
const data = () => emulator.tenant.state.data as unknown as Record<string, unknown>;
const table = <T>(name: string): T[] => Object.values((data()[name] ?? {}) as Record<string, T>);
const orgs = () => table<{ id: string; name: string; metadata?: Record<string, string> }>('organizations').filter((o) => TENANTS.includes(o.name as TenantId));
const members = (orgId: string) => ((data()['organizationMembers'] as Record<string, string[]> | undefined)?.[orgId] ?? []).slice().sort();
const clients = () => table<{ client_id: string; name?: string; client_metadata?: Record<string, string>; organization_usage?: string }>('clients');
const grants = () => table<{ client_id: string; audience: string }>('clientGrants');
const ours = () => clients().filter((c) => c.client_metadata?.['tenants_managed_by'] === 'auth0-tenants');
const orgOf = (t: TenantId) => orgs().find((o) => o.name === t)!.id;

interface Login {
  status: number;
  body: { access_token?: string; error?: string; error_description?: string };
}
async function login(clientId: string, username: string, organization?: string): Promise<Login> {
  const answer = await fetch(`${emulator.url}/__emulator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: clientId,
      username,
      password: PASSWORD,
      audience: AUDIENCE,
      scope: 'openid profile',
      ...(organization ? { organization } : {}),
    }),
  });
  return { status: answer.status, body: (await answer.json()) as Login['body'] };
}
async function tokenOf(clientId: string, username: string, organization?: string): Promise<string> {
  const answer = await login(clientId, username, organization);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.access_token!;
}

/** `tenants verify-token --tenant <t> --batch --json`: each token's verdict code (undefined when accepted), in order. */
async function verdicts(tenant: TenantId, tokens: string[]): Promise<(string | undefined)[]> {
  const run = await cli(['verify-token', '--tenant', tenant, '--batch', '--json'], `${tokens.join('\n')}\n`);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { valid: boolean; code?: string });
  expect(lines).toHaveLength(tokens.length);
  expect(run.code, run.stderr).toBe(lines.every((v) => v.valid) ? 0 : 3);
  return lines.map((v) => (v.valid ? undefined : v.code));
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** One FastAPI app serving /<tenant>/whoami through each tenant's generated tenant_auth.py (read once at start, as a deployed backend does). */
async function startFastApi(): Promise<{ call(tenant: TenantId, token: string): Promise<{ status: number; code?: string; tenant?: string }>; close(): void }> {
  writeFileSync(
    join(work.path, 'app.py'),
    [
      'import importlib.util, os, sys',
      'from fastapi import Depends, FastAPI',
      '',
      'app = FastAPI()',
      '',
      'def route(tenant):',
      "    spec = importlib.util.spec_from_file_location('tenant_auth_' + tenant, os.path.join('tenants', tenant, 'tenant_auth.py'))",
      '    module = importlib.util.module_from_spec(spec)',
      '    sys.modules[spec.name] = module',
      '    spec.loader.exec_module(module)',
      '    def whoami(claims: dict = Depends(module.require_tenant)):',
      `        return {'sub': claims['sub'], 'tenant': claims.get('${CLAIM}')}`,
      "    app.add_api_route('/' + tenant + '/whoami', whoami)",
      '',
      `for tenant in ${JSON.stringify(TENANTS)}:`,
      '    route(tenant)',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(PYTHON, ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: work.path,
    env: { ...process.env, SSL_CERT_FILE: emulator.caCertFile, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/docs`);
      break;
    } catch {
      if (i > 300) throw new Error('uvicorn did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    async call(tenant, token) {
      const res = await fetch(`${base}/${tenant}/whoami`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { tenant?: string; detail?: { code?: string } };
      return { status: res.status, ...(body.detail?.code ? { code: body.detail.code } : {}), ...(body.tenant ? { tenant: body.tenant } : {}) };
    },
    close: () => void server.kill('SIGTERM'),
  };
}

/**
 * Runs `tenants migrate to-organizations` and kills it (SIGKILL) the moment the emulator receives the `nth`
 * request matching `when`: the request is still served, its answer never read, as when a machine dies.
 */
function migrateKilledAt(when: (r: RequestRecord) => boolean, nth: number, ...flags: string[]): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'migrate', 'to-organizations', '--max-rps', '200', ...flags], {
      cwd: work.path,
      env: { ...process.env, NO_COLOR: '1', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let killed = false;
    const requests = emulator.requests;
    const push = requests.push;
    requests.push = function (...records: RequestRecord[]) {
      for (const r of records) if (!killed && when(r) && ++seen === nth) killed = child.kill('SIGKILL');
      return push.apply(this, records);
    };
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      requests.push = push;
      resolve({ code, stdout, stderr, killed });
    });
  });
}
const isPost = (path: RegExp) => (r: RequestRecord) => r.method === 'POST' && path.test(r.path);

/** The same-tenant and cross-tenant checks of one phase, through login, verify-token and FastAPI. */
async function checkPhase(phase: 'before' | 'dual' | 'after'): Promise<void> {
  // uvicorn starts while the logins run.
  const starting = startFastApi();
  try {
    const legacyLogins = phase !== 'after';
    const orgLogins = phase !== 'before';
    const accepted: { tenant: TenantId; token: string }[] = [];
    const refused: { tenant: TenantId; token: string; code: string }[] = [];
    if (legacyLogins) {
      const ann = await tokenOf(legacyClient.acme!, 'ann@acme.example');
      expect(decodeJwt(ann)).toMatchObject({ azp: legacyClient.acme, [CLAIM]: 'acme' });
      expect(decodeJwt(ann)['org_id']).toBeUndefined();
      const gus = await tokenOf(legacyClient.globex!, 'gus@globex.example');
      accepted.push({ tenant: 'acme', token: ann }, { tenant: 'globex', token: gus });
      refused.push({ tenant: 'globex', token: ann, code: 'wrong_application' }, { tenant: 'acme', token: gus, code: 'wrong_application' });
      // The Action still refuses a login into another tenant's application.
      const cross = await login(legacyClient.acme!, 'gus@globex.example');
      expect(cross.status).toBe(403);
      expect(cross.body.error).toBe('access_denied');
    }
    if (orgLogins) {
      const shared = sharedClientId();
      const ann = await tokenOf(shared, 'ann@acme.example', orgOf('acme'));
      expect(decodeJwt(ann)).toMatchObject({ azp: shared, org_id: orgOf('acme'), [CLAIM]: 'acme' });
      const ian = await tokenOf(shared, 'ian@initech.example', orgOf('initech'));
      expect(decodeJwt(ian)).toMatchObject({ org_id: orgOf('initech'), [CLAIM]: 'initech' });
      accepted.push({ tenant: 'acme', token: ann }, { tenant: 'initech', token: ian });
      refused.push({ tenant: 'initech', token: ann, code: 'wrong_organization' }, { tenant: 'acme', token: ian, code: 'wrong_organization' });
      // A member of one tenant cannot log in through another tenant's organization.
      const cross = await login(shared, 'ian@initech.example', orgOf('acme'));
      expect(cross.status).toBe(403);
      expect(cross.body.error).toBe('access_denied');
    }
    if (phase === 'after') {
      // The per-tenant applications are gone, and a token one of them issued before the switch is refused.
      expect((await login(legacyClient.acme!, 'ann@acme.example')).status).not.toBe(200);
      refused.push({ tenant: 'acme', token: legacyTokens.acme!, code: 'wrong_application' });
    }
    // verify-token: one batch per tenant, the tokens it must accept then those it must refuse.
    for (const tenant of TENANTS) {
      const mine = accepted.filter((a) => a.tenant === tenant);
      const theirs = refused.filter((r) => r.tenant === tenant);
      if (mine.length + theirs.length === 0) continue;
      expect(
        await verdicts(
          tenant,
          [...mine, ...theirs].map((x) => x.token),
        ),
        `${phase}: verify-token ${tenant}`,
      ).toEqual([...mine.map(() => undefined), ...theirs.map((r) => r.code)]);
    }
    const api = await starting;
    for (const { tenant, token } of accepted) expect(await api.call(tenant, token), `${phase}: FastAPI ${tenant}`).toEqual({ status: 200, tenant });
    for (const { tenant, token, code } of refused) expect(await api.call(tenant, token), `${phase}: FastAPI ${tenant}`).toEqual({ status: 401, code });
  } finally {
    (await starting).close();
  }
}

function sharedClientId(): string {
  const ids = new Set(
    ours()
      .filter((c) => c.organization_usage === 'require')
      .map((c) => c.client_id),
  );
  expect(ids.size).toBe(1);
  return [...ids][0]!;
}

/** Exactly what the dual state is: nothing missing, nothing duplicated. */
function expectDualState(): void {
  expect(
    orgs()
      .map((o) => o.name)
      .sort(),
  ).toEqual([...TENANTS]);
  // Each with the database connection enabled in its create call (whichever run made it), so its members can log in.
  for (const org of orgs())
    expect((org as { __connections?: { connection_id: string }[] }).__connections?.map((c) => c.connection_id)).toEqual(['con_0000000000000001']);
  const shared = sharedClientId();
  for (const t of TENANTS) {
    expect(members(orgOf(t))).toEqual(USERS[t].map((u) => userIds[u]).sort());
    const settings = tenantJson(t);
    expect(settings).toMatchObject({ schemaVersion: 2, clientIds: [legacyClient[t], shared], organization: { id: orgOf(t), required: false } });
    expect(spaEnv(t)).toContain(`VITE_AUTH0_CLIENT_ID=${legacyClient[t]}`);
    expect(spaEnv(t)).not.toContain('VITE_AUTH0_ORGANIZATION');
  }
  expect(grants().filter((g) => g.client_id === shared && g.audience === AUDIENCE)).toHaveLength(1);
  // One Action of ours, bound to post-login once.
  const actions = table<{ id: string; name: string }>('actions').filter((a) => a.name === 'auth0-tenants-tenant-claim');
  expect(actions).toHaveLength(1);
  const bindings = (data()['bindings'] as Record<string, { action_id: string }[]>)['post-login'] ?? [];
  expect(bindings.filter((b) => b.action_id === actions[0]!.id)).toHaveLength(1);
  // The per-tenant applications are all still there, one each.
  for (const t of TENANTS)
    expect(
      ours()
        .filter((c) => c.client_metadata?.['tenant'] === t)
        .map((c) => c.client_id),
    ).toEqual([legacyClient[t]]);
}

beforeAll(async () => {
  emulator = await testEmulator();
  const init = await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE]);
  expect(init.code, init.stderr).toBe(0);
  expect((await cli(['create', ...TENANTS])).code).toBe(0);
  for (const t of TENANTS) {
    legacyClient[t] = tenantJson(t)['clientId'] as string;
    for (const email of USERS[t]) userIds[email] = await emulator.createUser({ email, password: PASSWORD, app_metadata: { tenant: t } });
  }
  // A user of no tenant, and one of a tenant we do not manage: neither becomes a member of anything.
  await emulator.createUser({ email: 'nobody@example.com', password: PASSWORD });
  await emulator.createUser({ email: 'old@example.com', password: PASSWORD, app_metadata: { tenant: 'umbrella' } });
  legacyTokens.acme = await tokenOf(legacyClient.acme!, 'ann@acme.example');
});

afterAll(async () => {
  await emulator?.close();
  work.remove();
});

describe.sequential('tenants migrate to-organizations on a populated project', () => {
  it('before: legacy tokens are accepted for their tenant and refused for another', async () => {
    await checkPhase('before');
  });

  it('--dry-run prints the plan as data and changes nothing; --finalize before the dual state is refused (exit 2)', async () => {
    const files = snapshot(join(work.path, 'tenants'));
    const from = emulator.requests.length;
    const plan = await migrate('--dry-run');
    expect(plan.code, plan.stderr).toBe(0);
    const doc = migratePlanSchema.parse(JSON.parse(plan.stdout));
    expect(doc).toMatchObject({ schemaVersion: 1, dryRun: true, phase: 'dual' });
    for (const t of TENANTS) expect(doc.steps).toContainEqual(expect.objectContaining({ resource: 'organization', action: 'create', tenant: t }));
    expect(doc.steps).toContainEqual(expect.objectContaining({ resource: 'members', action: 'create', tenant: 'acme' }));
    const text = await cli(['migrate', 'to-organizations', '--dry-run']);
    expect(text.stdout).toMatch(/\+ organization acme \(would create/);

    const early = await migrate('--finalize', '--yes');
    expect(early.code).toBe(2);
    expect(errorSchema.parse(JSON.parse(early.stdout))).toMatchObject({
      error: { code: 'migration_incomplete', hint: expect.stringContaining('tenants migrate to-organizations') },
    });
    expect(writes(emulator, from)).toEqual([]);
    expect(snapshot(join(work.path, 'tenants'))).toEqual(files);
  });

  it('killed while switching the Action, creating organizations, then adding members, a re-run reaches the dual state with nothing duplicated', async () => {
    // Killed while the Action switches to dual mode (the first write after the API), then while creating the
    // second organization, then while adding the first members.
    const first = await migrateKilledAt((r) => r.method === 'PATCH' && /^\/api\/v2\/actions\/actions\//.test(r.path), 1, '--yes');
    expect(first.killed).toBe(true);
    const second = await migrateKilledAt(isPost(/^\/api\/v2\/organizations$/), 2, '--yes');
    expect(second.killed).toBe(true);
    expect(orgs().length).toBeGreaterThanOrEqual(1);
    const third = await migrateKilledAt(isPost(/^\/api\/v2\/organizations\/[^/]+\/members$/), 1, '--yes');
    expect(third.killed).toBe(true);
    // A half-done dual state is not complete: finalize is still refused.
    const refused = await migrate('--finalize', '--yes');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { code: 'migration_incomplete', message: expect.stringContaining("acme's tenant.json does not accept organization tokens yet") },
    });
    const last = await migrate('--yes');
    expect(last.code, last.stderr).toBe(0);
    expect(migrateResultSchema.parse(JSON.parse(last.stdout))).toMatchObject({ phase: 'dual', changed: true, lease: { requests: expect.any(Number) } });
    expectDualState();
  });

  it('a re-run of the dual phase writes nothing', async () => {
    const from = emulator.requests.length;
    const again = await migrate('--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(migrateResultSchema.parse(JSON.parse(again.stdout))).toMatchObject({ schemaVersion: 1, dryRun: false, changed: false, steps: [] });
    expect(writes(emulator, from)).toEqual([]);
    // doctor knows the dual state, and never advises what would undo it (init, emit).
    const doctor = JSON.parse((await cli(['doctor', '--json'])).stdout) as { findings: { code: string; fix: string }[] };
    expect(doctor.findings.map((f) => f.code)).toContain('migration_in_progress');
    expect(doctor.findings.map((f) => f.code)).not.toContain('action_code_changed');
    for (const f of doctor.findings) expect(f.fix).not.toMatch(/^tenants (init|emit)/);
  });

  it('dual: legacy tokens and organization tokens are both accepted for their tenant, refused for another', async () => {
    await checkPhase('dual');
  });

  it('--finalize asks first (exit 2 without a terminal and --yes), then, killed while deleting applications, a re-run finishes it', async () => {
    const unconfirmed = await migrate('--finalize');
    expect(unconfirmed.code).toBe(2);
    expect(JSON.parse(unconfirmed.stdout)).toMatchObject({ error: { code: 'confirmation_required' } });

    const killed = await migrateKilledAt((r) => r.method === 'DELETE' && /^\/api\/v2\/clients\//.test(r.path), 2, '--finalize', '--yes');
    expect(killed.killed).toBe(true);
    const done = await migrate('--finalize', '--yes');
    expect(done.code, done.stderr).toBe(0);
    expect(config().strategy).toBe('organizations');
    const shared = sharedClientId();
    expect(ours().map((c) => c.client_id)).toEqual([shared]);
    for (const t of TENANTS) {
      expect(members(orgOf(t))).toEqual(USERS[t].map((u) => userIds[u]).sort());
      expect(tenantJson(t)).toMatchObject({ schemaVersion: 2, clientIds: [shared], organization: { id: orgOf(t), required: true } });
      expect(spaEnv(t)).toContain(`VITE_AUTH0_CLIENT_ID=${shared}`);
      expect(spaEnv(t)).toContain(`VITE_AUTH0_ORGANIZATION=${orgOf(t)}`);
    }
    // No grant of a deleted application is left behind.
    const live = new Set(clients().map((c) => c.client_id));
    expect(grants().filter((g) => !live.has(g.client_id))).toEqual([]);

    const from = emulator.requests.length;
    const again = await migrate('--finalize', '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(writes(emulator, from)).toEqual([]);
  });

  it('after: organization tokens are accepted for their tenant and refused for another; legacy ones are refused', async () => {
    await checkPhase('after');
  });
});
