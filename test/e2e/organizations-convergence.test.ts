import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { BIN, runCli } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

// Organizations strategy after a crash or a lost answer: a re-run converges, nothing is duplicated or lost.
const AUDIENCE = 'https://api.orgs-converge.example.com';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function project(options: Parameters<typeof testEmulator>[0] = {}) {
  const emulator = await testEmulator({ plan: 'enterprise', ...options });
  const work = tempDir('tenants-orgs-converge-');
  cleanups.push(
    () => emulator.close(),
    () => work.remove(),
  );
  const env = { ...credentialsEnv(emulator), TENANTS_LEASE_SECONDS: '3' };
  const cli = (args: string[]) => runCli(args, { cwd: work.path, env });
  const init = await cli([
    'init',
    '--no-input',
    '--strategy',
    'organizations',
    '--domain',
    emulator.domain,
    '--audience',
    AUDIENCE,
    '--claim-namespace',
    'https://orgs-converge.example.com/',
    '--callbacks',
    'https://app.example.com/callback',
  ]);
  expect(init.code, init.stderr).toBe(0);
  return { emulator, work, env, cli };
}

const ours = (e: RunningEmulator) =>
  Object.values(e.tenant.state.data.organizations ?? {}).filter(
    (o) => (o['metadata'] as Record<string, string> | undefined)?.['tenants_managed_by'] === 'auth0-tenants',
  );

/** One organization of ours per tenant, and each tenant's tenant.json naming exactly it. */
function expectConverged(e: RunningEmulator, dir: string, tenants: string[]): void {
  const orgs = ours(e);
  expect(orgs.map((o) => o['name']).sort()).toEqual([...tenants].sort());
  for (const tenant of tenants) {
    const settings = JSON.parse(readFileSync(join(dir, 'tenants', tenant, 'tenant.json'), 'utf8')) as { organization: { id: string } };
    expect(settings.organization.id).toBe(orgs.find((o) => o['name'] === tenant)!['id']);
  }
}

describe('organizations: lost answers and crashes', () => {
  it('a create whose answer was lost is found by name and converged on, never created twice', async () => {
    const holder: { emulator?: RunningEmulator } = {};
    let dropped = 0;
    let pick = false;
    // The first POST /organizations happens but its answer is lost (the connection drops after the write).
    const random = () => {
      if (pick) {
        pick = false;
        return 0.99; // -> 'drop-after'
      }
      const last = holder.emulator?.requests.at(-1);
      if (last?.method === 'POST' && last.path === '/api/v2/organizations' && dropped === 0) {
        dropped++;
        pick = true;
        return 0;
      }
      return 1;
    };
    const p = await project({ failRate: 0.5, random });
    holder.emulator = p.emulator;
    const run = await p.cli(['--json', 'create', 'acme', 'globex', 'initech']);
    expect(run.code, run.stderr).toBe(0);
    expect(dropped).toBe(1);
    const posts = p.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/organizations');
    expect(posts).toHaveLength(3); // the lost one is never sent again
    expect(p.emulator.requests.some((r) => r.operationId === 'get_name_by_name')).toBe(true);
    expectConverged(p.emulator, p.work.path, ['acme', 'globex', 'initech']);
  });

  it('killed with SIGKILL halfway, a re-run leaves exactly one organization per tenant and valid files', async () => {
    const p = await project({ latencyMs: 15 });
    const tenants = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    writeFileSync(join(p.work.path, 'tenants.yaml'), `tenants:\n${tenants.map((t) => `  - ${t}`).join('\n')}\n`);
    const child = spawn(process.execPath, [BIN, 'sync', 'tenants.yaml', '--max-rps', '60'], {
      cwd: p.work.path,
      env: { ...process.env, ...p.env },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('close', r));
    while (ours(p.emulator).length < 12) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(ours(p.emulator).length).toBeLessThan(40);
    await new Promise((r) => setTimeout(r, 3200)); // the killed run's lease expires (TENANTS_LEASE_SECONDS=3)
    const rerun = await p.cli(['sync', 'tenants.yaml', '--max-rps', '300']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expectConverged(p.emulator, p.work.path, tenants);
    const plan = await p.cli(['sync', 'tenants.yaml', '--dry-run', '--exit-code']);
    expect(plan.code).toBe(0);
  });
});
