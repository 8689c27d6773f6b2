import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSdkManagement } from '../../src/auth0/sdk-management.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/emulator.js';
import { testEmulator } from '../helpers/emulator.js';
import { runWithFakeContext, skippingClock } from '../helpers/fake-context.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

/**
 * Commands that wait for Auth0 (its search index trailing writes, a deployment completing in the background), run
 * in-process through the official SDK against an in-process emulator on one clock: every wait of the command (its
 * polls, backoffs and the pacer) moves the emulator's clock ahead instead of passing for real. Each test has its
 * own emulator and folder, so they run in any order.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function project(options: EmulatorOptions, tenants: string[]) {
  const clock = skippingClock();
  const emulator = await testEmulator({ ...options, now: clock.now });
  const dir = tempDir('tenants-waits-');
  cleanups.push(
    () => emulator.close(),
    () => dir.remove(),
  );
  const run = (args: string[]) =>
    runWithFakeContext(args, { cwd: dir.path, env: credentialsEnv(emulator), management: (c, pacer) => createSdkManagement(c, pacer), clock });
  const init = await run(['init', '--domain', emulator.domain, '--audience', 'https://api.lag.example.com', '--claim-namespace', 'https://lag.example.com/']);
  expect(init.error).toBeUndefined();
  if (tenants.length) expect((await run(['create', ...tenants])).error).toBeUndefined();
  return { emulator, run, dir: dir.path, init };
}

/** Users put straight into the emulator's state (1,200 scrypt hashes through the API would take a minute). */
function seedUsers(emulator: RunningEmulator, tenant: string, count: number): void {
  const users = emulator.tenant.state.data.users;
  for (let i = 0; i < count; i++) {
    const id = `auth0|${tenant}${i}`;
    users[id] = {
      user_id: id,
      email: `u${i}@${tenant}.example`,
      app_metadata: { tenant },
      identities: [{ connection: 'Username-Password-Authentication', user_id: `${tenant}${i}`, provider: 'auth0' }],
    };
  }
}
const tagged = (emulator: RunningEmulator, tenant: string) =>
  Object.values(emulator.tenant.state.data.users).filter((u) => (u['app_metadata'] as { tenant?: string } | undefined)?.tenant === tenant).length;

const LAG_MS = 1500;

describe('no user left behind (under search lag)', () => {
  it('deletes a tenant of 1,200 users under search lag and leaves none tagged', async () => {
    const { emulator, run } = await project({ searchLagMs: LAG_MS }, ['big', 'kept']);
    seedUsers(emulator, 'big', 1200);
    seedUsers(emulator, 'kept', 5);
    const from = emulator.requests.length;
    const deleted = await run(['--json', 'delete', 'big', '--yes']);
    expect(deleted.error).toBeUndefined();
    expect(tagged(emulator, 'big')).toBe(0);
    expect(Object.keys(emulator.tenant.state.data.users)).toHaveLength(1205); // detached, not deleted
    const requests = emulator.requests.slice(from);
    expect(requests.some((r) => r.operationId === 'post_users-exports')).toBe(true);
    expect(deleted.stderr).toMatch(/waiting for Auth0's user search/);
    // Done was reported only once a search showed no user: the last search came after the lag had passed.
    expect(requests.filter((r) => r.operationId === 'get_users').length).toBeGreaterThan(1);
    expect(tagged(emulator, 'kept')).toBe(5);
  });

  it("sync --prune detaches a pruned tenant's users exactly like delete", async () => {
    const { emulator, run, dir } = await project({ searchLagMs: LAG_MS }, ['small', 'kept']);
    seedUsers(emulator, 'small', 30);
    seedUsers(emulator, 'kept', 5);
    writeFileSync(join(dir, 'tenants.yaml'), 'tenants:\n  - kept\n');
    const pruned = await run(['--json', 'sync', 'tenants.yaml', '--prune', '--yes']);
    expect(pruned.error).toBeUndefined();
    expect(tagged(emulator, 'small')).toBe(0);
    expect(tagged(emulator, 'kept')).toBe(5);
  });

  it('doctor reports users whose tenant has no application, with the command that fixes it', async () => {
    const { emulator, run } = await project({ searchLagMs: LAG_MS }, ['kept']);
    seedUsers(emulator, 'ghost', 3);
    const doctor = JSON.parse((await run(['--json', 'doctor'])).stdout) as { findings: { code: string; message: string; fix: string }[] };
    const orphan = doctor.findings.find((f) => f.code === 'users_orphaned');
    expect(orphan?.message).toContain('"ghost"');
    expect(orphan?.fix).toContain('tenants delete ghost --yes');
    expect((await run(['delete', 'ghost', '--yes'])).error).toBeUndefined();
    expect(tagged(emulator, 'ghost')).toBe(0);
  });
});

describe('init against a deployment completing in the background', () => {
  it('waits for the deployment (--action-deploy-ms) before binding, never binding early', async () => {
    const { emulator, init } = await project({ actionDeployMs: 5_000 }, []);
    expect(init.stderr).toContain('Waiting for Auth0 to finish deploying the Action');
    expect(init.stderr).toContain(`Auth0 tenant: ${emulator.domain}`);
    expect(emulator.tenant.state.data.bindings['post-login'] ?? []).toHaveLength(1);
    expect(emulator.requests.filter((r) => r.operationId === 'patch_bindings' && r.status === 400)).toEqual([]);
  });
});
