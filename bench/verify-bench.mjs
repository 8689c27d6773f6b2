// Benchmark: batch token verification against plain jose.jwtVerify on the same tokens and key set, with a
// 1-key and an 8-key JWKS (tokens spread over the keys). Both run in one process, interleaved in chunks of 50 tokens, and the
// median rate of each is compared: ours / jose. Ours is the path of `verify-token --batch` and the library
// (createVerifier: every check of the rule table, keys imported once per fetched key set). Also times
// `tenants verify-token --batch` end to end. Target: ratio >= 0.9. Run: npm run bench:verify [-- --tokens 2000 --rounds 7 --check]
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { createVerifier } from '../dist/lib/create-verifier.js';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const TOKENS = arg('--tokens', 2000);
const ROUNDS = arg('--rounds', 7);
const CHECK = process.argv.includes('--check');
const TARGET = 0.9;
const BIN = fileURLToPath(new URL('../bin/tenants.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tenants-verify-bench-'));
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
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function scenario(keyCount) {
  const pairs = Array.from({ length: keyCount }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const jwks = { keys: pairs.map((p, i) => ({ ...p.publicKey.export({ format: 'jwk' }), kid: `k${i}`, use: 'sig', alg: 'RS256' })) };
  const jwksFile = join(dir, `jwks-${keyCount}.json`);
  writeFileSync(jwksFile, JSON.stringify(jwks));
  const signers = await Promise.all(pairs.map((p) => importJWK(p.privateKey.export({ format: 'jwk' }), 'RS256')));
  const tokens = [];
  for (let i = 0; i < TOKENS; i++) {
    const k = i % keyCount;
    tokens.push(
      await new SignJWT({ sub: `auth0|${i}`, azp: settings.clientId, [settings.tenantClaim]: 'acme', scope: 'openid' })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: `k${k}` })
        .setIssuer(settings.issuer)
        .setAudience([settings.audience])
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(signers[k]),
    );
  }
  const tokensFile = join(dir, `tokens-${keyCount}.txt`);
  writeFileSync(tokensFile, `${tokens.join('\n')}\n`);

  const keySet = createLocalJWKSet(jwks);
  const options = { issuer: settings.issuer, audience: settings.audience, algorithms: ['RS256'] };
  const verifier = createVerifier(settings, { jwks: jwksFile });
  const jose = async (from, to) => {
    for (let i = from; i < to; i++) await jwtVerify(tokens[i], keySet, options);
  };
  const ours = async (from, to) => {
    for (let i = from; i < to; i++) if (!(await verifier.verify(tokens[i])).valid) throw new Error('a valid token was rejected');
  };
  await jose(0, TOKENS);
  await ours(0, TOKENS); // warm both (JIT, and the key imports each caches)
  // Interleaved in chunks of CHUNK tokens, alternating which goes first, so load from other processes on
  // this machine falls on both alike; each round's rate is tokens / summed time.
  const CHUNK = 50;
  const rates = { jose: [], ours: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const spent = { jose: 0, ours: 0 };
    for (let from = 0; from < TOKENS; from += CHUNK) {
      const to = Math.min(TOKENS, from + CHUNK);
      const order =
        (from / CHUNK + r) % 2 === 0
          ? [
              ['jose', jose],
              ['ours', ours],
            ]
          : [
              ['ours', ours],
              ['jose', jose],
            ];
      for (const [name, fn] of order) {
        const started = performance.now();
        await fn(from, to);
        spent[name] += performance.now() - started;
      }
    }
    rates.jose.push(TOKENS / (spent.jose / 1000));
    rates.ours.push(TOKENS / (spent.ours / 1000));
  }
  const cli = await new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'verify-token', '--config', join(dir, 'tenant.json'), '--jwks', jwksFile, '--batch', '--json'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000 }));
    child.stdin.end(tokens.join('\n'));
  });
  return { keyCount, jose: median(rates.jose), ours: median(rates.ours), cli };
}

writeFileSync(join(dir, 'tenant.json'), JSON.stringify(settings));
let failed = false;
try {
  console.log(`verify bench: ${TOKENS} RS256 tokens, median of ${ROUNDS} rounds, interleaved in chunks of 50, node ${process.version}`);
  for (const keyCount of [1, 8]) {
    const r = await scenario(keyCount);
    const ratio = r.ours / r.jose;
    if (ratio < TARGET) failed = true;
    console.log(
      `${keyCount} key${keyCount > 1 ? 's' : ' '}: jose.jwtVerify ${r.jose.toFixed(0)} tokens/s, ours ${r.ours.toFixed(0)} tokens/s, ratio ${ratio.toFixed(2)}x (target >= ${TARGET}x: ${ratio >= TARGET ? 'met' : 'NOT met'})`,
    );
    console.log(
      `         tenants verify-token --batch --json, end to end: ${r.cli.seconds.toFixed(2)} s for ${TOKENS} tokens (${(TOKENS / r.cli.seconds).toFixed(0)} tokens/s, exit ${r.cli.code})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (CHECK && failed) process.exit(1);
