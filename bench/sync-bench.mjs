// Benchmark: onboard 300 tenants against the emulator limited like Auth0 (--rate-limit 20 --latency 40),
// with `tenants sync` and with a naive sequential SDK loop. Prints wall time, Management API calls by
// method, 429s received, and ratios: wall time to the rate-limit floor (requests needed / rate), and
// ours to the naive baseline. Run: npm run bench [-- --tenants 300 --rate 20 --latency 40]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/emulator/emulator.js';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const TENANTS = arg('--tenants', 300);
const RATE = arg('--rate', 20);
const LATENCY_MS = arg('--latency', 40);
const AUDIENCE = 'https://api.bench.example.com';
const BIN = fileURLToPath(new URL('../bin/tenants.js', import.meta.url));

function run(command, args, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [command, ...args], { cwd, env: { ...process.env, ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

async function workspace() {
  const emulator = await startEmulator({ rateLimit: RATE, latencyMs: LATENCY_MS, plan: 'enterprise', actionBuildMs: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'tenants-bench-'));
  const env = {
    AUTH0_DOMAIN: emulator.domain,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    NODE_EXTRA_CA_CERTS: emulator.caCertFile,
  };
  const init = await run(BIN, ['init', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://bench.example.com/'], env, dir);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  return {
    emulator,
    dir,
    env,
    close: async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function measure(emulator, from) {
  const requests = emulator.requests.slice(from);
  const byMethod = {};
  for (const r of requests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  const tooMany = requests.filter((r) => r.status === 429).length;
  return {
    total: requests.length,
    needed: requests.length - tooMany,
    byMethod,
    tooMany,
    writes: requests.filter((r) => r.method !== 'GET').length,
    clientListPages: requests.filter((r) => r.operationId === 'get_clients').length,
  };
}

const fmt = (m) =>
  Object.entries(m.byMethod)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

// Ours.
const ours = await workspace();
const names = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
writeFileSync(join(ours.dir, 'tenants.yaml'), `tenants:\n${names.map((n) => `  - ${n}`).join('\n')}\n`);
let mark = ours.emulator.requests.length;
const sync = await run(BIN, ['sync', 'tenants.yaml', '--max-rps', String(RATE), '--application-limit', '100000', '--json'], ours.env, ours.dir);
if (sync.code !== 0) throw new Error(`sync failed (${sync.code}): ${sync.stderr}`);
const first = measure(ours.emulator, mark);
const floor = first.needed / RATE;
mark = ours.emulator.requests.length;
const again = await run(BIN, ['sync', 'tenants.yaml', '--max-rps', String(RATE), '--application-limit', '100000', '--json'], ours.env, ours.dir);
const second = measure(ours.emulator, mark);
const apps = Object.values(ours.emulator.tenant.state.data.clients).filter((c) => c.client_metadata?.tenant).length;
await ours.close();

// Naive baseline.
const naive = await workspace();
mark = naive.emulator.requests.length;
const baseline = await run(fileURLToPath(new URL('./naive-baseline.mjs', import.meta.url)), [String(TENANTS), AUDIENCE], naive.env, process.cwd());
const naiveStats = measure(naive.emulator, mark);
await naive.close();

const lines = [
  `tenants: ${TENANTS}; emulator --rate-limit ${RATE} --latency ${LATENCY_MS}`,
  '',
  `tenants sync        wall ${sync.seconds.toFixed(1)} s; calls ${fmt(first)}; 429s received ${first.tooMany}; tagged applications ${apps}`,
  `  rate-limit floor  ${first.needed} requests / ${RATE} per s = ${floor.toFixed(1)} s`,
  `  ratio to floor    ${(sync.seconds / floor).toFixed(3)}  (target <= 1.10)`,
  `second sync         wall ${again.seconds.toFixed(1)} s; writes ${second.writes}; application listing pages ${second.clientListPages} (one pass over ${Math.ceil((TENANTS + 2) / 100)} pages); calls ${fmt(second)}`,
  `naive SDK loop      wall ${baseline.seconds.toFixed(1)} s; calls ${fmt(naiveStats)}; 429s received ${naiveStats.tooMany}; failures ${JSON.parse(baseline.stdout || '{"failed":"?"}').failed}`,
  `  ours / naive      ${(sync.seconds / baseline.seconds).toFixed(3)}`,
];
console.log(lines.join('\n'));
