// Benchmark (issue 13): 300 tenants in organizations mode against the embedded emulator limited like Auth0
// (--rate-limit 20, its organizations-write group at 5 per second, --latency 40). `tenants init --strategy
// organizations`, then `tenants sync` of 300 tenants, then the same sync again. Prints the wall time of the sync, the
// floor the two buckets set (the organizations-write requests Auth0 accepted at 5/s vs every accepted request at
// 20/s: the larger), their ratio (target <= 1.10), the requests that failed (target 0), and the writes of the
// second sync (target 0).
// Run: npm run build && node bench/organizations-bench.mjs [-- --tenants 300 --rate 20 --org-write 5 --latency 40]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rateLimitGroup } from '../dist/auth0/rate-limit-group.js';
import { arg, byMethod, manifest, measure, tenantIds, workspace } from './lib/bench-workspace.mjs';

const TENANTS = arg('--tenants', 300);
const RATE = arg('--rate', 20);
const ORG_WRITE = arg('--org-write', 5);
const LATENCY_MS = arg('--latency', 40);

const w = await workspace({ rateLimit: RATE, rateLimitGroups: { 'organizations-write': ORG_WRITE }, latencyMs: LATENCY_MS }, [
  '--strategy',
  'organizations',
  '--login-uri',
  'https://app.bench.example.com/login',
  '--callbacks',
  'https://{tenant}.app.bench.example.com/callback',
]);
writeFileSync(join(w.dir, 'tenants.yaml'), manifest(tenantIds(TENANTS)));
const sync = ['sync', 'tenants.yaml', '--max-rps', String(RATE), '--application-limit', '100000', '--json'];

let mark = w.emulator.requests.length;
const first = await w.cli(sync);
const m1 = measure(w.emulator, mark);
mark = w.emulator.requests.length;
const again = await w.cli(sync);
const m2 = measure(w.emulator, mark);
const organizations = Object.values(w.emulator.tenant.state.data.organizations ?? {}).filter((o) => o.metadata?.tenants_managed_by === 'auth0-tenants').length;
await w.close();
if (first.code !== 0) throw new Error(`sync failed (${first.code}): ${first.stderr}`);
if (again.code !== 0) throw new Error(`second sync failed (${again.code}): ${again.stderr}`);

const accepted = m1.requests.filter((r) => r.status < 400);
const orgWrites = accepted.filter((r) => rateLimitGroup(r.method, r.path) === 'organizations-write').length;
const groupFloor = orgWrites / ORG_WRITE;
const globalFloor = accepted.length / RATE;
const floor = Math.max(groupFloor, globalFloor);
const summary = JSON.parse(first.stdout);
const groups = {};
for (const r of m1.requests) {
  const key = `${rateLimitGroup(r.method, r.path) ?? 'global'} ${r.method}${r.status >= 400 ? ` ${r.status}` : ''}`;
  groups[key] = (groups[key] ?? 0) + 1;
}

console.log(
  [
    `tenants: ${TENANTS} (organizations); emulator --rate-limit ${RATE} --rate-limit-group organizations-write=${ORG_WRITE} --latency ${LATENCY_MS}`,
    '',
    `tenants sync        wall ${first.seconds.toFixed(1)} s; calls ${byMethod(m1)}; by group ${JSON.stringify(groups)}; organizations of ours ${organizations}; counts ${JSON.stringify(summary.counts)}`,
    `  floor             max(${orgWrites} organizations-write / ${ORG_WRITE} per s = ${groupFloor.toFixed(1)} s, ${accepted.length} requests / ${RATE} per s = ${globalFloor.toFixed(1)} s) = ${floor.toFixed(1)} s`,
    `  ratio to floor    ${(first.seconds / floor).toFixed(3)}  (target <= 1.10)`,
    `  failed requests   ${m1.failed} (429s ${m1.tooMany}; target 0)`,
    `second sync         wall ${again.seconds.toFixed(1)} s; writes ${m2.writes} (target 0); calls ${byMethod(m2)}; failed requests ${m2.failed}`,
    ...m2.requests.filter((r) => r.method !== 'GET' || r.status >= 400).map((r) => `  ${r.method} ${r.path} ${r.status}`),
    ...(m2.writes ? [again.stderr.trim()] : []),
  ].join('\n'),
);
