// Benchmark: two `tenants sync` of the same manifest started together against one emulator limited like
// Auth0 (--rate-limit 20 --latency 40), as two CI pipelines would. Prints the wall time of each run, the
// requests each spent on the lease and on the convergence of duplicates, the applications left per tenant,
// and the ratio of the pair's wall time to one sync alone. Run: npm run bench:concurrent [-- --tenants 30 --rate 20]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, manifest, tenantIds, workspace as benchWorkspace } from './lib/bench-workspace.mjs';

const TENANTS = arg('--tenants', 30);
const RATE = arg('--rate', 20);
const LATENCY_MS = arg('--latency', 40);

/** An emulator limited like Auth0, `tenants init` done, and the manifest of TENANTS ids. */
async function workspace() {
  const w = await benchWorkspace({ rateLimit: RATE, latencyMs: LATENCY_MS });
  writeFileSync(join(w.dir, 'tenants.yaml'), manifest(tenantIds(TENANTS)));
  return w;
}

const sync = (w) => w.cli(['sync', 'tenants.yaml', '--max-rps', String(RATE), '--json']);
const perTenant = (emulator) => {
  const counts = {};
  for (const c of Object.values(emulator.tenant.state.data.clients)) {
    const tag = c.client_metadata?.tenants_managed_by === 'auth0-tenants' ? c.client_metadata.tenant : undefined;
    if (tag) counts[tag] = (counts[tag] ?? 0) + 1;
  }
  return Object.values(counts);
};

// One sync alone: the baseline.
const alone = await workspace();
const single = await sync(alone);
if (single.code !== 0) throw new Error(`sync failed (${single.code}): ${single.stderr}`);
const singleRequests = alone.emulator.requests.length;
await alone.close();

// Two together.
const w = await workspace();
const mark = w.emulator.requests.length;
const started = performance.now();
const [a, b] = await Promise.all([sync(w), sync(w)]);
const pairSeconds = (performance.now() - started) / 1000;
for (const r of [a, b]) if (r.code !== 0) throw new Error(`sync failed (${r.code}): ${r.stderr}`);
const requests = w.emulator.requests.slice(mark);
const apps = perTenant(w.emulator);
await w.close();

const describe = (name, r) => {
  const s = JSON.parse(r.stdout);
  return `${name}: exit ${r.code}, ${r.seconds.toFixed(1)} s wall, created ${s.counts.created}, unchanged ${s.counts.unchanged}; lease ${s.lease ? `${s.lease.requests} requests, waited ${s.lease.waitedSeconds} s` : 'not taken (nothing to write)'}; convergence ${s.convergence ? `${s.convergence.requests} requests, ${s.convergence.removed} removed` : 'none'}; ${Object.values(s.requests).reduce((x, y) => x + y, 0)} requests in all`;
};
console.log(`${TENANTS} tenants, emulator --rate-limit ${RATE} --latency ${LATENCY_MS}, sync --max-rps ${RATE}`);
console.log(`one sync alone: ${single.seconds.toFixed(1)} s wall, ${singleRequests} Management API requests (with init)`);
console.log(describe('run A', a));
console.log(describe('run B', b));
console.log(
  `both: ${pairSeconds.toFixed(1)} s wall (${(pairSeconds / single.seconds).toFixed(2)}x one sync alone); ${requests.length} requests, ${requests.filter((r) => r.status === 429).length} answered 429`,
);
console.log(
  `applications per tenant afterwards: ${apps.length} tenants, max ${Math.max(...apps)} (${apps.every((n) => n === 1) ? 'no duplicate' : 'DUPLICATES'})`,
);
