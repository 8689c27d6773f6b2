import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { BIN, runCli } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, snapshot, tempDir, writes } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.sync.example.com';
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
const yaml = (tenants: string[]) => `tenants:\n${tenants.map((t) => `  - ${t}`).join('\n')}\n`;

async function project(options: Parameters<typeof testEmulator>[0] = {}) {
  const emulator = await testEmulator({ plan: 'enterprise', ...options });
  const work = tempDir('tenants-sync-');
  // A run killed below leaves its lease behind: a short lifetime keeps the re-runs from waiting a minute.
  const env = { ...credentialsEnv(emulator), TENANTS_LEASE_SECONDS: '3' };
  const cli = (args: string[], input?: string) => runCli(args, { cwd: work.path, env, ...(input ? { input } : {}) });
  const init = await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://sync.example.com/']);
  expect(init.code).toBe(0);
  const config = JSON.parse(readFileSync(join(work.path, 'tenants.config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(work.path, 'tenants.config.json'), JSON.stringify({ ...config, applicationLimit: 100_000 }));
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

/** Exactly one tagged application per tenant, each with its grant, and a tenant.json that names it. */
function expectConverged(emulator: RunningEmulator, dir: string, tenants: string[]) {
  const data = emulator.tenant.state.data;
  const tagged = Object.values(data.clients).filter((c) => (c['client_metadata'] as Record<string, unknown> | undefined)?.['tenant']);
  for (const tenant of tenants) {
    const apps = tagged.filter((c) => (c['client_metadata'] as Record<string, unknown>)['tenant'] === tenant);
    expect(apps, tenant).toHaveLength(1);
    const clientId = apps[0]!['client_id'];
    expect(
      Object.values(data.clientGrants).filter((g) => g['client_id'] === clientId && g['subject_type'] === 'user'),
      tenant,
    ).toHaveLength(1);
    const settings = JSON.parse(readFileSync(join(dir, 'tenants', tenant, 'tenant.json'), 'utf8')) as { clientId: string };
    expect(settings.clientId, tenant).toBe(clientId);
  }
  expect(tagged).toHaveLength(tenants.length);
}

describe('tenants sync', () => {
  let p: Awaited<ReturnType<typeof project>>;
  beforeAll(async () => {
    p = await project();
  });
  afterAll(() => p.close());

  // The two tests that write have a project each (the others write nothing): they pass in any order.
  const seeded = names('t', 25);
  const own = async () => {
    const q = await project();
    onTestFinished(() => q.close());
    return q;
  };

  it('creates from a manifest, then changes nothing the second time with a single listing pass', async () => {
    const p = await own();
    const tenants = names('t', 25);
    writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
    const first = await p.cli(['sync', 'tenants.yaml', '--max-rps', '200', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ counts: { created: 25, failed: 0 } });
    expectConverged(p.emulator, p.work.path, tenants);

    const mark = p.emulator.requests.length;
    const again = await p.cli(['sync', 'tenants.yaml', '--max-rps', '200', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ counts: { created: 0, unchanged: 25 } });
    expect(writes(p.emulator, mark)).toEqual([]);
    expect(p.emulator.requests.slice(mark).filter((r) => r.operationId === 'get_clients')).toHaveLength(1);
  });

  it('shows the diff with --dry-run, and prunes only with --yes and only tagged tenants', async () => {
    const p = await own();
    writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(seeded));
    expect((await p.cli(['sync', 'tenants.yaml', '--max-rps', '200'])).code).toBe(0);
    writeFileSync(join(p.work.path, 'next.csv'), `tenant,name,callbacks\nt-000,Renamed,\nt-001,,https://t-001.example.com/cb\nfresh,,\n`);
    const mark = p.emulator.requests.length;
    const dry = await p.cli(['sync', 'next.csv', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { counts: Record<string, number>; items: { tenant: string; action: string; changes?: string[] }[] };
    expect(plan.counts).toEqual({ create: 1, update: 2, unchanged: 0, absent: 23 });
    expect(plan.items.find((i) => i.tenant === 't-000')).toMatchObject({ action: 'update', changes: ['name'] });
    expect(writes(p.emulator, mark)).toEqual([]);
    const human = await p.cli(['sync', 'next.csv', '--dry-run']);
    expect(human.stdout).toContain('Plan: 1 to create, 2 to update, 0 unchanged, 23 not in the manifest.');

    const refused = await p.cli(['sync', 'next.csv', '--prune']);
    expect(refused.code).toBe(2);
    expect(writes(p.emulator, mark)).toEqual([]);
    const pruned = await p.cli(['sync', 'next.csv', '--prune', '--yes', '--max-rps', '200', '--json']);
    expect(pruned.code).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ counts: { created: 1, updated: 2, deleted: 23 } });
    expectConverged(p.emulator, p.work.path, ['t-000', 't-001', 'fresh']);
    const names = Object.values(p.emulator.tenant.state.data.clients).map((c) => c['name']);
    expect(names).toContain('auth0-tenants (Management API)');
    expect(snapshot(join(p.work.path, 'tenants'))).not.toHaveProperty(['t-005/tenant.json']);
  });

  it('refuses a bad row with its line number before sending anything', async () => {
    writeFileSync(join(p.work.path, 'bad.yaml'), 'tenants:\n  - good\n  - Not/A/Tenant\n');
    const mark = p.emulator.requests.length;
    const result = await p.cli(['sync', 'bad.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 3');
    expect(p.emulator.requests.length).toBe(mark);
  });

  it('refuses to cross the application limit before any write', async () => {
    writeFileSync(join(p.work.path, 'many.yaml'), yaml(names('m', 10)));
    const mark = p.emulator.requests.length;
    const result = await p.cli(['sync', 'many.yaml', '--application-limit', '8']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('application_limit');
    expect(writes(p.emulator, mark)).toEqual([]);
  });
});

describe('sync under faults and crashes', () => {
  it('with 10% faults, a 100-tenant sync completes or exits 1 with a summary, and re-runs converge', async () => {
    const p = await project();
    try {
      const tenants = names('f', 100);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      p.emulator.setFailRate(0.1);
      let code: number | null = 1;
      for (let run = 0; run < 6 && code !== 0; run++) {
        const result = await p.cli(['sync', 'tenants.yaml', '--max-rps', '300', '--json']);
        expect([0, 1]).toContain(result.code);
        const doc = JSON.parse(result.stdout) as { counts?: Record<string, number>; error?: unknown };
        if (result.code === 1) expect(doc.counts?.['failed'] ?? doc.error).toBeTruthy();
        code = result.code;
      }
      expect(code).toBe(0);
      expect(p.emulator.requests.some((r) => r.status >= 500 || r.status === 429 || r.status === 0)).toBe(true);
      p.emulator.setFailRate(0);
      expectConverged(p.emulator, p.work.path, tenants);
    } finally {
      await p.close();
    }
  });

  it('killed with SIGKILL halfway, a re-run leaves exactly one application per tenant and valid files', async () => {
    const p = await project({ latencyMs: 15 });
    try {
      const tenants = names('k', 80);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      const child = spawn(process.execPath, [BIN, 'sync', 'tenants.yaml', '--max-rps', '60'], {
        cwd: p.work.path,
        env: { ...process.env, ...p.env },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.on('close', r));
      while (Object.values(p.emulator.tenant.state.data.clients).length < 30) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await exited;
      const partial = Object.values(p.emulator.tenant.state.data.clients).filter(
        (c) => (c['client_metadata'] as Record<string, unknown> | undefined)?.['tenant'],
      ).length;
      expect(partial).toBeLessThan(80);
      const rerun = await p.cli(['sync', 'tenants.yaml', '--max-rps', '300']);
      expect(rerun.code).toBe(0);
      expectConverged(p.emulator, p.work.path, tenants);
    } finally {
      await p.close();
    }
  });

  it('Auth0 going down mid-run stops the run after a few connection failures (exit 4), grouped, and a re-run converges', async () => {
    const work = tempDir('tenants-down-');
    const stateFile = join(work.path, 'emulator-state.json');
    let emulator = await testEmulator({ plan: 'enterprise', stateFile, latencyMs: 15 });
    const port = Number(emulator.domain.split(':')[1]);
    try {
      const env = { ...credentialsEnv(emulator), TENANTS_LEASE_SECONDS: '3' };
      const cli = (args: string[]) => runCli(args, { cwd: work.path, env });
      expect(
        (await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://sync.example.com/'])).code,
      ).toBe(0);
      const tenants = names('d', 60);
      writeFileSync(join(work.path, 'tenants.yaml'), yaml(tenants));
      const child = spawn(process.execPath, [BIN, 'sync', 'tenants.yaml', '--max-rps', '40', '--json'], {
        cwd: work.path,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      while (Object.values(emulator.tenant.state.data.clients).length < 12) await new Promise((r) => setTimeout(r, 20));
      const before = emulator.requests.length;
      await emulator.close(); // Auth0 is down: connections are refused from now on
      const downAt = Date.now();
      expect(await exited).toBe(4);
      const seconds = (Date.now() - downAt) / 1000;
      expect(seconds).toBeLessThan(10);
      const summary = JSON.parse(stdout) as { counts: Record<string, number>; requests: Record<string, number> };
      expect(summary.counts['created']).toBeGreaterThan(0);
      expect(stderr).toContain('[auth0_unreachable]');
      expect(stderr.split('\n').filter((l) => l.includes('Could not reach Auth0')).length).toBeLessThanOrEqual(3);
      console.log(`Auth0 down mid-sync: stopped ${seconds.toFixed(1)} s after, ${before} requests answered before; summary ${JSON.stringify(summary.counts)}`);

      emulator = await testEmulator({ plan: 'enterprise', stateFile, port });
      const rerun = await cli(['sync', 'tenants.yaml', '--max-rps', '300']);
      expect(rerun.code, rerun.stderr).toBe(0);
      expectConverged(emulator, work.path, tenants);
    } finally {
      await emulator.close();
      work.remove();
    }
  });

  it('Ctrl-C stops after the requests in flight, prints what was done, and exits 130', async () => {
    const p = await project({ latencyMs: 15 });
    try {
      const tenants = names('c', 60);
      writeFileSync(join(p.work.path, 'tenants.yaml'), yaml(tenants));
      const child = spawn(process.execPath, [BIN, 'sync', 'tenants.yaml', '--max-rps', '40', '--json'], {
        cwd: p.work.path,
        env: { ...process.env, ...p.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      while (Object.values(p.emulator.tenant.state.data.clients).length < 15) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      // Acknowledged at once, before the requests in flight have finished.
      for (let i = 0; i < 50 && !stderr.includes('Stopping: finishing'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(stderr).toMatch(/Stopping: finishing \d+ request\(s\) in flight/);
      expect(await exited).toBe(130);
      const summary = JSON.parse(stdout) as { counts: Record<string, number> };
      expect(summary.counts['skipped']).toBeGreaterThan(0);
      expect(summary.counts['created']).toBeGreaterThan(0);
      const rerun = await p.cli(['sync', 'tenants.yaml', '--max-rps', '300']);
      expect(rerun.code).toBe(0);
      expectConverged(p.emulator, p.work.path, tenants);
    } finally {
      await p.close();
    }
  });
});
