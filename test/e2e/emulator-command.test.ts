import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tenants-e2e-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a new user does with the ready line: trust the CA through NODE_EXTRA_CA_CERTS and use the official SDK. */
function sdkScript(
  ready: { domain: string; caCertFile: string; clientId: string; clientSecret: string },
  code: string,
): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { ManagementClient } from 'auth0';
    const m = new ManagementClient({ domain: ${JSON.stringify(ready.domain)}, clientId: ${JSON.stringify(ready.clientId)}, clientSecret: ${JSON.stringify(ready.clientSecret)} });
    ${code}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ready.caCertFile },
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tenants emulator', () => {
  it('prints one ready line; the official SDK creates and lists clients against it; state survives a restart', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startCli(['emulator', '--port', '0', '--state', stateFile]);
    const ready = JSON.parse(first.firstLine) as { domain: string; caCertFile: string; clientId: string; clientSecret: string };
    expect(Object.keys(ready).sort()).toEqual(['caCertFile', 'clientId', 'clientSecret', 'domain']);
    expect(ready.domain).toMatch(/^127\.0\.0\.1:\d+$/);

    const created = sdkScript(
      ready,
      `
      const c = await m.clients.create({ name: 'from-sdk', app_type: 'spa' });
      const names = [];
      for await (const x of await m.clients.list()) names.push(x.name);
      console.log(JSON.stringify({ id: c.client_id, names }));`,
    );
    expect(created.stderr).toBe('');
    const { id, names } = JSON.parse(created.stdout) as { id: string; names: string[] };
    expect(names).toContain('from-sdk');

    const rejected = sdkScript(
      ready,
      `
      try { await m.clients.create({ name: 'x', not_an_auth0_field: true }); console.log('accepted'); }
      catch (e) { console.log(JSON.stringify({ status: e.statusCode, body: e.body })); }`,
    );
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      status: 400,
      body: { errorCode: 'invalid_body', message: expect.stringContaining('not_an_auth0_field') },
    });

    first.child.kill('SIGTERM');
    expect(await first.exited).not.toBeNull();

    const second = await startCli(['emulator', '--port', '0', '--state', stateFile]);
    const ready2 = JSON.parse(second.firstLine) as typeof ready;
    const again = sdkScript(ready2, `console.log((await m.clients.get(${JSON.stringify(id)})).name);`);
    expect(again.stdout.trim()).toBe('from-sdk');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(130);
  });

  it('refuses a bad option value with exit 2 and names the flag', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const result = await runCli(['emulator', '--fail-rate', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--fail-rate');
    expect(result.stdout).toBe('');
  });
});
