// What every benchmark starts from: the built CLI run as a child process, and a workspace (an embedded emulator
// limited like Auth0, a folder, `tenants init` done), plus how to count what the emulator answered.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../dist/emulator/emulator.js';

export const BIN = fileURLToPath(new URL('../../bin/tenants.js', import.meta.url));
export const AUDIENCE = 'https://api.bench.example.com';

/** `--name <number>` from the command line, else `fallback`. */
export const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);

/** Runs a Node script (the CLI by default) to its end, without a terminal; resolves with its output and wall time. */
export function run(args, env, cwd, script = BIN) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

/** The environment that points the CLI at an emulator (credentials never go on the command line). */
export const credentialsEnv = (emulator) => ({
  AUTH0_DOMAIN: emulator.domain,
  AUTH0_CLIENT_ID: emulator.clientId,
  AUTH0_CLIENT_SECRET: emulator.clientSecret,
  NODE_EXTRA_CA_CERTS: emulator.caCertFile,
});

/**
 * An emulator (`emulatorOptions`, on the enterprise plan) and a folder where `tenants init` has run with `initArgs`
 * added; `cli(args)` runs the CLI there with the emulator's credentials.
 */
export async function workspace(emulatorOptions = {}, initArgs = []) {
  const emulator = await startEmulator({ plan: 'enterprise', actionBuildMs: 100, ...emulatorOptions });
  const dir = mkdtempSync(join(tmpdir(), 'tenants-bench-'));
  const env = credentialsEnv(emulator);
  const cli = (args) => run(args, env, dir);
  const init = await cli(['init', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://bench.example.com/', ...initArgs]);
  if (init.code !== 0) throw new Error(`init failed (${init.code}): ${init.stderr}`);
  return {
    emulator,
    dir,
    env,
    cli,
    close: async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ids `<prefix>-0000`, `<prefix>-0001`, ... */
export const tenantIds = (count, prefix = 'tenant') => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

/** A YAML manifest of the ids. */
export const manifest = (ids) => `tenants:\n${ids.map((n) => `  - ${n}`).join('\n')}\n`;

/** What the emulator answered since request number `from`: by method, 429s, errors, writes. */
export function measure(emulator, from) {
  const requests = emulator.requests.slice(from);
  const byMethod = {};
  for (const r of requests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  const tooMany = requests.filter((r) => r.status === 429).length;
  return {
    requests,
    total: requests.length,
    needed: requests.length - tooMany,
    byMethod,
    tooMany,
    failed: requests.filter((r) => r.status >= 400).length,
    writes: requests.filter((r) => r.method !== 'GET').length,
    clientListPages: requests.filter((r) => r.operationId === 'get_clients').length,
  };
}

/** "GET 12, POST 300" */
export const byMethod = (m) =>
  Object.entries(m.byMethod)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
