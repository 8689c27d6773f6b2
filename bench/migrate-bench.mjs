// Benchmark: `tenants migrate to-organizations` of a 300-tenant application-per-tenant project against the
// emulator limited like Auth0 (--rate-limit 20, organizations-write 5 per second, --latency 40), users in every
// tenant and one tenant past Auth0's 1,000-result user search (read through a users export job). Prints the
// Management API requests of each phase by endpoint group and method, the 429s, the wall time and its ratio to
// the rate-limit floor, and a re-run of each phase (which must write nothing).
// Run: npm run build && node bench/migrate-bench.mjs [-- --tenants 300 --users 2 --big 1100 --rate 20 --org-write 5 --latency 40]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../dist/emulator/emulator.js';
import { arg, credentialsEnv, manifest, run, tenantIds } from './lib/bench-workspace.mjs';
import { rateLimitGroup } from '../dist/auth0/rate-limit-group.js';

const TENANTS = arg('--tenants', 300);
const USERS = arg('--users', 2);
const BIG = arg('--big', 1100);
const RATE = arg('--rate', 20);
const ORG_WRITE = arg('--org-write', 5);
const LATENCY_MS = arg('--latency', 40);
const AUDIENCE = 'https://api.migrate-bench.example.com';

// Set-up on an unlimited emulator (not measured), saved to a state file, then the same tenant served again with limits.
const dir = mkdtempSync(join(tmpdir(), 'tenants-migrate-bench-'));
const stateFile = join(dir, 'state.json');
const setup = await startEmulator({ stateFile, plan: 'enterprise', actionBuildMs: 50 });
const port = Number(setup.domain.split(':')[1]);
let env = credentialsEnv(setup);
const init = await run(['init', '--domain', setup.domain, '--audience', AUDIENCE, '--claim-namespace', 'https://bench.example.com/'], env, dir);
if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
const names = tenantIds(TENANTS);
writeFileSync(join(dir, 'tenants.yaml'), manifest(names));
const sync = await run(['sync', 'tenants.yaml', '--max-rps', '500', '--concurrency', '16', '--application-limit', '100000'], env, dir);
if (sync.code !== 0) throw new Error(`sync failed: ${sync.stderr}`);
// Users: one made through the API, the others copies of it (hashing 1,700 passwords would take a minute).
const template = setup.tenant.state.data.users[await setup.createUser({ email: 'template@bench.example', password: 'Bench-passw0rd' })];
const users = setup.tenant.state.data.users;
let n = 0;
const addUser = (tenant) => {
  const id = `bench${String(++n).padStart(6, '0')}`;
  const email = `${id}@${tenant}.example`;
  users[`auth0|${id}`] = {
    ...structuredClone(template),
    user_id: `auth0|${id}`,
    email,
    name: email,
    identities: [{ ...template.identities[0], user_id: id }],
    app_metadata: { tenant },
  };
};
for (const tenant of names) for (let i = 0; i < USERS; i++) addUser(tenant);
for (let i = 0; i < BIG; i++) addUser(names[0]);
setup.tenant.state.commit();
await setup.close();

const emulator = await startEmulator({
  stateFile,
  port,
  rateLimit: RATE,
  rateLimitGroups: { 'organizations-write': ORG_WRITE },
  latencyMs: LATENCY_MS,
  plan: 'enterprise',
  actionBuildMs: 100,
});
env = credentialsEnv(emulator);

function measure(from) {
  const requests = emulator.requests.slice(from);
  const byGroup = {};
  let orgWrites = 0;
  for (const r of requests) {
    if (rateLimitGroup(r.method, r.path) === 'organizations-write' && r.status !== 429) orgWrites++;
    const group = rateLimitGroup(r.method, r.path) ?? routeOf(r.path);
    const key = `${group} ${r.method}`;
    byGroup[key] = (byGroup[key] ?? 0) + 1;
  }
  const tooMany = requests.filter((r) => r.status === 429).length;
  return {
    total: requests.length,
    tooMany,
    needed: requests.length - tooMany,
    orgWrites,
    byGroup,
    writes: requests.filter((r) => r.method !== 'GET' && r.status < 400).length,
  };
}
/** The endpoint family of a request outside the organization groups: /clients, /users, /jobs, ... */
const routeOf = (path) => path.replace(/^\/api\/v2\//, '').split('/')[0];

// Progress on stderr while a phase runs (the phases take a minute or two each at these limits).
const ticker = setInterval(() => {
  const last = emulator.requests.at(-1);
  process.stderr.write(`  ${emulator.requests.length} requests so far${last ? ` (last: ${last.method} ${last.path} ${last.status})` : ''}\n`);
}, 15_000);
const phases = [];
for (const [label, flags] of [
  ['dual', []],
  ['dual again', []],
  ['finalize', ['--finalize']],
  ['finalize again', ['--finalize']],
]) {
  const mark = emulator.requests.length;
  const result = await run(['migrate', 'to-organizations', '--yes', '--json', '--max-rps', String(RATE), ...flags], env, dir);
  if (result.code !== 0) throw new Error(`${label} failed (${result.code}): ${result.stderr}`);
  phases.push({ label, seconds: result.seconds, ...measure(mark) });
}
clearInterval(ticker);
const data = emulator.tenant.state.data;
const orgs = Object.values(data.organizations ?? {}).length;
const members = Object.values(data.organizationMembers ?? {}).reduce((sum, list) => sum + list.length, 0);
await emulator.close();
rmSync(dir, { recursive: true, force: true });

// The floor: the global bucket (every request) or the organizations-write bucket (organization creates), whichever is tighter.
const floorOf = (p) => Math.max(p.needed / RATE, p.orgWrites / ORG_WRITE);
const lines = [
  `tenants: ${TENANTS} (${USERS} users each, ${BIG} more in ${names[0]}: past the 1,000-result search); emulator --rate-limit ${RATE} --rate-limit-group organizations-write=${ORG_WRITE} --latency ${LATENCY_MS}`,
  `result: ${orgs} organizations, ${members} memberships`,
  '',
];
for (const p of phases) {
  const floor = floorOf(p);
  lines.push(
    `${p.label.padEnd(15)} wall ${p.seconds.toFixed(1)} s; requests ${p.total} (${p.tooMany} answered 429); writes ${p.writes}; floor ${floor.toFixed(1)} s; wall / floor ${(p.seconds / Math.max(floor, 0.001)).toFixed(2)}`,
  );
  for (const [key, count] of Object.entries(p.byGroup).sort(([a], [b]) => a.localeCompare(b))) lines.push(`    ${key.padEnd(34)} ${count}`);
}
console.log(lines.join('\n'));
