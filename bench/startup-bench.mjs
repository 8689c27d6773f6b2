// Benchmark: start-up time of the CLI against a bare `node -e 0`, as medians of many runs each, interleaved
// (so load from other processes falls on all alike). Prints the median wall time of each and the ratios:
// `tenants --help` (target <= 1.5x) and offline `tenants verify-token --config <file> --jwks <file>` with the
// token on stdin (target <= 2.0x). Run: npm run bench:startup [-- --runs 40 --check]
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importJWK, SignJWT } from 'jose';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const RUNS = arg('--runs', 40);
const CHECK = process.argv.includes('--check');
const BIN = fileURLToPath(new URL('../bin/tenants.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tenants-startup-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(args, input, expectCode) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== expectCode) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve(performance.now() - started);
    });
    child.stdin.end(input);
  });
}

try {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const settings = {
    schemaVersion: 1,
    tenant: 'acme',
    issuer: 'https://bench.example.com/',
    jwksUri: 'https://bench.example.com/.well-known/jwks.json',
    audience: 'https://api.bench.example.com',
    clientId: 'acme-client',
    clientIdClaim: 'azp',
    tenantClaim: 'https://saas.example.com/tenant',
    algorithms: ['RS256'],
    leewaySeconds: 30,
  };
  const token = await new SignJWT({ sub: 'auth0|1', azp: settings.clientId, [settings.tenantClaim]: 'acme' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importJWK(pair.privateKey.export({ format: 'jwk' }), 'RS256'));
  writeFileSync(join(dir, 'tenant.json'), JSON.stringify(settings));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] }));

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'], input: '', code: 0 },
    { name: 'tenants --help', args: [BIN, '--help'], input: '', code: 0 },
    {
      name: 'tenants verify-token (offline)',
      args: [BIN, 'verify-token', '--config', join(dir, 'tenant.json'), '--jwks', join(dir, 'jwks.json')],
      input: token,
      code: 0,
    },
  ];
  const times = cases.map(() => []);
  for (const c of cases) await time(c.args, c.input, c.code); // warm the file cache
  for (let r = 0; r < RUNS; r++) {
    for (const [i, c] of cases.entries()) times[i].push(await time(c.args, c.input, c.code));
  }
  const base = median(times[0]);
  const targets = [null, 1.5, 2.0];
  let failed = false;
  console.log(`startup bench: median of ${RUNS} runs each, interleaved, node ${process.version}`);
  for (const [i, c] of cases.entries()) {
    const ms = median(times[i]);
    const ratio = ms / base;
    const target = targets[i];
    if (target !== null && ratio > target) failed = true;
    console.log(
      `${c.name.padEnd(32)} ${ms.toFixed(1).padStart(7)} ms  ${target === null ? '' : `ratio ${ratio.toFixed(2)}x (target <= ${target}x: ${ratio <= target ? 'met' : 'NOT met'})`}`,
    );
  }
  if (CHECK && failed) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
