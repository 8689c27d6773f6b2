// Benchmark: onboard 300 tenants against the emulator limited like Auth0 (--rate-limit 20 --latency 40),
// with `tenants sync` and with a naive sequential SDK loop. Prints wall time, Management API calls by
// method, 429s received, and ratios: wall time to the rate-limit floor (requests needed / rate), and
// ours to the naive baseline. Run: npm run bench [-- --tenants 300 --rate 20 --latency 40]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, AUDIENCE, byMethod as fmt, manifest, measure, run, tenantIds, workspace as benchWorkspace } from './lib/bench-workspace.mjs';

const TENANTS = arg('--tenants', 300);
const RATE = arg('--rate', 20);
const LATENCY_MS = arg('--latency', 40);
const workspace = () => benchWorkspace({ rateLimit: RATE, latencyMs: LATENCY_MS });

// Ours.
const ours = await workspace();
writeFileSync(join(ours.dir, 'tenants.yaml'), manifest(tenantIds(TENANTS)));
let mark = ours.emulator.requests.length;
const sync = await ours.cli(['sync', 'tenants.yaml', '--max-rps', String(RATE), '--application-limit', '100000', '--json']);
if (sync.code !== 0) throw new Error(`sync failed (${sync.code}): ${sync.stderr}`);
const first = measure(ours.emulator, mark);
const floor = first.needed / RATE;
mark = ours.emulator.requests.length;
const again = await ours.cli(['sync', 'tenants.yaml', '--max-rps', String(RATE), '--application-limit', '100000', '--json']);
const second = measure(ours.emulator, mark);
const apps = Object.values(ours.emulator.tenant.state.data.clients).filter((c) => c.client_metadata?.tenant).length;
await ours.close();

// Naive baseline.
const naive = await workspace();
mark = naive.emulator.requests.length;
const baseline = await run([String(TENANTS), AUDIENCE], naive.env, process.cwd(), fileURLToPath(new URL('./naive-baseline.mjs', import.meta.url)));
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
