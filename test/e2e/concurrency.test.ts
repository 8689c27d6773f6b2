import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSchema, resultSchema } from '../../src/core/output-schemas.js';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { BIN, runCli } from '../helpers/cli.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.ci.example.com';
const LEASE = `urn:auth0-tenants:lease:${AUDIENCE}`;
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
const yaml = (tenants: string[]) => `tenants:\n${tenants.map((t) => `  - ${t}`).join('\n')}\n`;
type Meta = Record<string, unknown> | undefined;

async function project(options: Parameters<typeof testEmulator>[0] = {}, leaseSeconds = '60') {
  const emulator = await testEmulator({ plan: 'enterprise', ...options });
  const work = tempDir('tenants-ci-');
  const env = { ...credentialsEnv(emulator), TENANTS_LEASE_SECONDS: leaseSeconds };
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: work.path, env: { ...env, ...extra } });
  const init = await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://ci.example.com/']);
  expect(init.code, init.stderr).toBe(0);
  return {
    emulator,
    work,
    env,
    cli,
    close: async () => {
      await emulator.close();
      work.remove();
    },
  };
}

const ours = (emulator: RunningEmulator) =>
  Object.values(emulator.tenant.state.data.clients).filter((c) => (c['client_metadata'] as Meta)?.['tenants_managed_by'] === 'auth0-tenants');
const leases = (emulator: RunningEmulator) => Object.values(emulator.tenant.state.data.resourceServers).filter((rs) => rs['identifier'] === LEASE);

/** Exactly one application of ours per tenant, its one user grant, no grant left for a deleted one, and files naming it. */
function expectConverged(emulator: RunningEmulator, dir: string, tenants: string[]) {
  const data = emulator.tenant.state.data;
  const apps = ours(emulator);
  for (const tenant of tenants) {
    const mine = apps.filter((c) => (c['client_metadata'] as Meta)!['tenant'] === tenant);
    expect(mine, tenant).toHaveLength(1);
    const clientId = mine[0]!['client_id'];
    expect(
      Object.values(data.clientGrants).filter((g) => g['client_id'] === clientId && g['subject_type'] === 'user'),
      tenant,
    ).toHaveLength(1);
    const settings = JSON.parse(readFileSync(join(dir, 'tenants', tenant, 'tenant.json'), 'utf8')) as { clientId: string };
    expect(settings.clientId, tenant).toBe(clientId);
    expect(readFileSync(join(dir, 'tenants', tenant, 'spa.env'), 'utf8')).toContain(`VITE_AUTH0_CLIENT_ID=${String(clientId)}`);
  }
  expect(apps).toHaveLength(tenants.length);
  const live = new Set(Object.keys(data.clients));
  expect(Object.values(data.clientGrants).filter((g) => typeof g['client_id'] === 'string' && !live.has(g['client_id']))).toEqual([]);
  expect(leases(emulator)).toEqual([]); // every run deleted its lease
}

/** Starts a CLI run and resolves when it ends, with what it printed. */
function start(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => child.on('close', (code) => r({ code, stdout, stderr })));
  return { child, done };
}

describe('concurrent runs against one Auth0 tenant', () => {
  it('two syncs of the same 30-tenant manifest, started together: one application per tenant, consistent files, both exit 0', async () => {
    const p = await project({ rateLimit: 100 });
    try {
      const tenants = names('two', 30);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      const runs = [0, 1].map(() => start(['sync', 'tenants.yaml', '--max-rps', '100', '--json'], p.work.path, p.env));
      const results = await Promise.all(runs.map((r) => r.done));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      // The documented shape, lease and convergence included.
      const summaries = results.map((r) => resultSchema.parse(JSON.parse(r.stdout)));
      expect(summaries.every((s) => s.lease !== undefined && s.lease.requests >= 2)).toBe(true);
      // One run created everything; the other waited for the lease, read Auth0 again and found nothing to do.
      expect(summaries.map((s) => s.counts['created']).sort()).toEqual([0, 30]);
      expect(summaries.map((s) => s.counts['unchanged']).sort()).toEqual([0, 30]);
      expect(results.some((r) => r.stderr.includes('Waiting for the lease held by tenants sync'))).toBe(true);
      expectConverged(p.emulator, p.work.path, tenants);
    } finally {
      await p.close();
    }
  });

  it('three syncs, and a create beside a sync, end with one application per tenant', async () => {
    const p = await project({ rateLimit: 100 });
    try {
      const tenants = names('three', 12);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      const three = await Promise.all([0, 1, 2].map(() => start(['sync', 'tenants.yaml', '--max-rps', '100'], p.work.path, p.env).done));
      for (const r of three) expect(r.code, r.stderr).toBe(0);
      expectConverged(p.emulator, p.work.path, tenants);

      const more = [...tenants, 'beside-a', 'beside-b'];
      writeFileSync(join(p.work.path, 'more.yaml'), yaml(more));
      const [create, sync] = await Promise.all([
        start(['create', 'beside-a', 'beside-b'], p.work.path, p.env).done,
        start(['sync', 'more.yaml', '--max-rps', '100'], p.work.path, p.env).done,
      ]);
      expect(create.code, create.stderr).toBe(0);
      expect(sync.code, sync.stderr).toBe(0);
      expectConverged(p.emulator, p.work.path, more);
    } finally {
      await p.close();
    }
  });

  it('a run killed with SIGKILL while holding the lease blocks the next one no longer than the lease lifetime', async () => {
    const p = await project({ latencyMs: 15 }, '3');
    try {
      const tenants = names('kill', 40);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      const killed = start(['sync', 'tenants.yaml', '--max-rps', '20'], p.work.path, p.env);
      while (ours(p.emulator).length < 5) await new Promise((r) => setTimeout(r, 20));
      expect(leases(p.emulator)).toHaveLength(1);
      killed.child.kill('SIGKILL');
      await killed.done;
      const killedAt = Date.now();
      expect(leases(p.emulator)).toHaveLength(1); // left behind

      const next = await p.cli(['sync', 'tenants.yaml', '--max-rps', '200', '--wait-lock', '30', '--json']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toMatch(/The lease held by tenants sync, .* expired at .*; taking it over\./);
      const waited = (JSON.parse(next.stdout) as { lease: { waitedSeconds: number } }).lease.waitedSeconds;
      expect(waited).toBeLessThanOrEqual(3 + 1.5); // the lifetime, plus a poll
      expect((Date.now() - killedAt) / 1000).toBeLessThan(30);
      expectConverged(p.emulator, p.work.path, tenants);
    } finally {
      await p.close();
    }
  });

  it('a live holder is waited for with progress, then refused with exit 5 naming it; nothing is written', async () => {
    const p = await project();
    try {
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(['held']));
      const sdk = sdkFor(p.emulator);
      const until = new Date(Date.now() + 10 * 60_000).toISOString();
      await sdk.resourceServers.create({ identifier: LEASE, name: `auth0-tenants lease until ${until} by tenants sync, ci@runner-7 pid 4242` });
      const mark = p.emulator.requests.length;
      const bad = await p.cli(['sync', 'tenants.yaml', '--wait-lock', 'soon']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--wait-lock');
      expect(p.emulator.requests.length).toBe(mark); // refused before anything is sent
      const refused = await p.cli(['sync', 'tenants.yaml', '--wait-lock', '0', '--json']);
      expect(refused.code).toBe(5);
      expect(JSON.parse(refused.stdout)).toMatchObject({
        error: { code: 'lease_held', details: { holder: 'tenants sync, ci@runner-7 pid 4242', expiresAt: until } },
      });
      const waited = await p.cli(['sync', 'tenants.yaml', '--wait-lock', '2']);
      expect(waited.code).toBe(5);
      expect(waited.stderr).toContain('Waiting for the lease held by tenants sync, ci@runner-7 pid 4242');
      expect(waited.stderr).toContain('[lease_held]');
      expect(ours(p.emulator)).toEqual([]);
      // doctor does not report a lease as someone else's object.
      const doctor = JSON.parse((await p.cli(['doctor', '--json'])).stdout) as { findings: { code: string; message: string }[] };
      expect(doctor.findings.filter((f) => /foreign|lease/.test(f.code) || f.message.includes('urn:auth0-tenants:lease'))).toEqual([]);
      // An object at our URN that we did not write is never taken over.
      const held = leases(p.emulator)[0]!;
      await sdk.resourceServers.update(String(held['id']), { name: 'Payments API' });
      const foreign = await p.cli(['sync', 'tenants.yaml', '--wait-lock', '0']);
      expect(foreign.code).toBe(2);
      expect(foreign.stderr).toContain('[lease_not_ours]');
      expect(leases(p.emulator)).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  it('a pre-existing duplicate of ours: doctor names the repairing command, the plan is not "unchanged", the next sync repairs it', async () => {
    const p = await project();
    try {
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(['dup', 'solo']));
      expect((await p.cli(['sync', 'tenants.yaml'])).code).toBe(0);
      const sdk = sdkFor(p.emulator);
      const original = ours(p.emulator).find((c) => (c['client_metadata'] as Meta)!['tenant'] === 'dup')!;
      // What a second run racing the first would have left: a later copy of ours, with its own grant.
      const later = await sdk.clients.create({
        name: String(original['name']),
        app_type: 'spa',
        client_metadata: { ...(original['client_metadata'] as Record<string, string>), tenants_created_at: new Date(Date.now() + 1000).toISOString() },
      } as never);
      await sdk.clientGrants.create({ client_id: later.client_id!, audience: AUDIENCE, scope: [], subject_type: 'user' } as never);

      const doctor = await p.cli(['doctor', '--json']);
      const findings = (JSON.parse(doctor.stdout) as { findings: { code: string; fix: string }[] }).findings;
      expect(findings.find((f) => f.code === 'application_duplicate')?.fix).toMatch(new RegExp(`^tenants create dup \\(deletes ${later.client_id}`));

      const plan = await p.cli(['sync', 'tenants.yaml', '--dry-run', '--exit-code', '--json']);
      expect(plan.code).toBe(10);
      const items = planSchema.parse(JSON.parse(plan.stdout)).items;
      expect(items.find((i) => i.tenant === 'dup')).toMatchObject({ action: 'update', duplicates: [later.client_id] });
      expect(items.find((i) => i.tenant === 'solo')).toMatchObject({ action: 'unchanged' });

      const repaired = await p.cli(['sync', 'tenants.yaml', '--json']);
      expect(repaired.code, repaired.stderr).toBe(0);
      expect(JSON.parse(repaired.stdout)).toMatchObject({ counts: { updated: 1, unchanged: 1 } });
      expect(p.emulator.tenant.state.data.clients[later.client_id!]).toBeUndefined();
      expectConverged(p.emulator, p.work.path, ['dup', 'solo']);
      expect(ours(p.emulator).find((c) => (c['client_metadata'] as Meta)!['tenant'] === 'dup')!['client_id']).toBe(original['client_id']);
      const again = await p.cli(['sync', 'tenants.yaml', '--dry-run', '--exit-code']);
      expect(again.code).toBe(0);
      expect((JSON.parse((await p.cli(['doctor', '--json'])).stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).not.toContain(
        'application_duplicate',
      );

      // The doctor's own fix, run as printed, repairs it too.
      const another = await sdk.clients.create({
        name: String(original['name']),
        app_type: 'spa',
        client_metadata: { ...(original['client_metadata'] as Record<string, string>), tenants_created_at: new Date(Date.now() + 2000).toISOString() },
      } as never);
      // create's plan says so too (exit 10), and an error keeps its own code with --exit-code.
      expect((await p.cli(['create', 'dup', '--dry-run', '--exit-code'])).code).toBe(10);
      expect((await p.cli(['create', 'solo', '--dry-run', '--exit-code'])).code).toBe(0);
      expect((await p.cli(['create', 'Not_An_Id', '--dry-run', '--exit-code'])).code).toBe(2);
      expect((await p.cli(['create', 'dup', '--exit-code'])).code).toBe(2); // --exit-code needs --dry-run
      const fix = (JSON.parse((await p.cli(['doctor', '--json'])).stdout) as { findings: { code: string; fix: string }[] }).findings.find(
        (f) => f.code === 'application_duplicate',
      )!.fix;
      const command = /^tenants (create \S+)/.exec(fix)![1]!.split(' ');
      expect((await p.cli(command)).code).toBe(0);
      expect(p.emulator.tenant.state.data.clients[another.client_id!]).toBeUndefined();
      expectConverged(p.emulator, p.work.path, ['dup', 'solo']);
    } finally {
      await p.close();
    }
  });
});
