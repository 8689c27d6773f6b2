import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

const LAG_MS = 1500;
let emulator: RunningEmulator;
const work = tempDir('tenants-lag-');
let env: NodeJS.ProcessEnv;
const cli = (args: string[]) => runCli(args, { cwd: work.path, env });

/** Users put straight into the emulator's state (1,200 scrypt hashes through the API would take a minute). */
function seedUsers(tenant: string, count: number): void {
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
const tagged = (tenant: string) =>
  Object.values(emulator.tenant.state.data.users).filter((u) => (u['app_metadata'] as { tenant?: string } | undefined)?.tenant === tenant).length;

beforeAll(async () => {
  emulator = await testEmulator({ searchLagMs: LAG_MS });
  env = credentialsEnv(emulator);
  expect(
    (
      await cli([
        'init',
        '--no-input',
        '--domain',
        emulator.domain,
        '--audience',
        'https://api.lag.example.com',
        '--claim-namespace',
        'https://lag.example.com/',
      ])
    ).code,
  ).toBe(0);
  expect((await cli(['create', 'big', 'small', 'kept'])).code).toBe(0);
  seedUsers('big', 1200);
  seedUsers('small', 30);
  seedUsers('kept', 5);
});
afterAll(async () => {
  await emulator.close();
  work.remove();
});

describe('no user left behind', () => {
  it('deletes a tenant of 1,200 users under search lag and leaves none tagged', async () => {
    const from = emulator.requests.length;
    const started = Date.now();
    const run = await cli(['--json', 'delete', 'big', '--yes']);
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(0);
    expect(tagged('big')).toBe(0);
    expect(Object.keys(emulator.tenant.state.data.users)).toHaveLength(1235); // detached, not deleted
    const requests = emulator.requests.slice(from);
    expect(requests.some((r) => r.operationId === 'post_users-exports')).toBe(true);
    expect(run.stderr).toMatch(/waiting for Auth0's user search/);
    // Done was reported only once a search showed no user: the last search came after the lag had passed.
    const searches = requests.filter((r) => r.operationId === 'get_users');
    expect(searches.length).toBeGreaterThan(1);
    console.log(`delete of 1,200 users under ${LAG_MS} ms lag: ${requests.length} requests (${searches.length} searches), ${seconds.toFixed(1)} s`);
    expect(tagged('kept')).toBe(5);
  });

  it("sync --prune detaches a pruned tenant's users exactly like delete", async () => {
    writeFileSync(join(work.path, 'tenants.yaml'), 'tenants:\n  - kept\n');
    const run = await cli(['--json', 'sync', 'tenants.yaml', '--prune', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(tagged('small')).toBe(0);
    expect(tagged('kept')).toBe(5);
  });

  it('doctor reports users whose tenant has no application, with the command that fixes it', async () => {
    seedUsers('ghost', 3);
    await new Promise((r) => setTimeout(r, 50));
    const doctor = JSON.parse((await cli(['--json', 'doctor'])).stdout) as { findings: { code: string; message: string; fix: string }[] };
    const orphan = doctor.findings.find((f) => f.code === 'users_orphaned');
    expect(orphan?.message).toContain('"ghost"');
    expect(orphan?.fix).toContain('tenants delete ghost --yes');
    expect((await cli(['delete', 'ghost', '--yes'])).code).toBe(0);
    expect(tagged('ghost')).toBe(0);
  });
});
