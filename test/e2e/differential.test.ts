import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createLocalJWKSet, jwtVerify, errors, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTenant } from 'auth0-tenants/express';
import { createVerifier } from 'auth0-tenants/verify';
import { TenantsError } from '../../src/core/tenants-error.js';
import { verifyToken } from '../../src/core/verify-token.js';
import { jwksSource } from '../../src/io/jwks-source.js';
import { makeScenarios, NOW, type Case, type Scenario } from '../helpers/differential-cases.js';
import { runPython } from '../helpers/python.js';
import { PYJWT_DIR, PYJWT_RELEASES } from '../helpers/test-deps.js';
import { serveScenarioKeySets } from '../helpers/scenario-key-sets.js';
import { tempDir } from '../helpers/workspace.js';

type Code = string | null;
const work = tempDir('tenants-differential-');
const scenarios: Scenario[] = makeScenarios({ seed: 20261128, randomRuns: 700 });
let jwksServer: Server;
const ts: Code[][] = [];
const settingsFiles: string[] = [];

const named = (scenario: Scenario, codes: Code[]) => Object.fromEntries(scenario.cases.map((c, i) => [`${scenario.name} / ${c.name}`, codes[i]]));
const all = (codes: Code[][]) => Object.assign({}, ...scenarios.map((s, i) => named(s, codes[i]!))) as Record<string, Code>;

beforeAll(async () => {
  jwksServer = await serveScenarioKeySets(scenarios);
  scenarios.forEach((scenario, i) => {
    const file = join(work.path, `tenant-${i}.json`);
    writeFileSync(file, JSON.stringify(scenario.settings));
    settingsFiles.push(file);
  });
  for (const scenario of scenarios) {
    const sources = new Map<string, ReturnType<typeof jwksSource>>();
    const keys = (uri: string) => sources.get(uri) ?? sources.set(uri, jwksSource(uri)).get(uri)!;
    const codes: Code[] = [];
    for (const c of scenario.cases) {
      try {
        codes.push((await verifyToken(c.token, scenario.settings, keys, NOW)).code);
      } catch (error) {
        codes.push(error instanceof TenantsError && error.code === 'jwks_unreachable' ? 'key_set_unavailable' : `EXCEPTION ${String(error)}`);
      }
    }
    ts.push(codes);
  }
});

afterAll(async () => {
  await new Promise<void>((r) => jwksServer.close(() => r()));
  work.remove();
});

describe('one verdict on every token: the TS core, tenant_auth.py under four PyJWT releases, jose, Express', () => {
  it('generates thousands of cases, and the TS core gives every hand-decided case its code', () => {
    const total = scenarios.reduce((n, s) => n + s.cases.length, 0);
    expect(total).toBeGreaterThan(3000);
    const expected: Record<string, Code> = {};
    const got: Record<string, Code> = {};
    scenarios.forEach((scenario, i) =>
      scenario.cases.forEach((c, j) => {
        const name = `${scenario.name} / ${c.name}`;
        if (scenario.unavailable) {
          expected[name] = 'key_set_unavailable';
          got[name] = ts[i]![j]!;
        } else if (c.expected !== undefined) {
          expected[name] = c.expected;
          got[name] = ts[i]![j]!;
        }
      }),
    );
    expect(got).toEqual(expected);
    const codes = new Set(ts.flat());
    for (const code of [
      null,
      'missing_token',
      'malformed',
      'opaque_token',
      'alg_not_allowed',
      'unknown_kid',
      'bad_signature',
      'wrong_issuer',
      'wrong_audience',
      'id_token',
      'expired',
      'not_yet_valid',
      'wrong_application',
      'missing_organization',
      'wrong_organization',
      'missing_tenant_claim',
      'wrong_tenant',
      'key_set_unavailable',
    ])
      expect(codes).toContain(code);
    expect(ts.flat().filter((c) => c?.startsWith('EXCEPTION'))).toEqual([]);
  });

  it('tenant_auth.py decides exactly as the TS core under Debian PyJWT and upstream 2.8.0, 2.10.1 and 2.12.1', async () => {
    const moduleDir = join(work.path, 'module');
    mkdirSync(moduleDir, { recursive: true });
    copyFileSync(fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url)), join(moduleDir, 'tenant_auth.py'));
    const casesFile = join(work.path, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(scenarios.map((s, i) => ({ settingsFile: settingsFiles[i], now: NOW, tokens: s.cases.map((c) => c.token) }))));
    const script = fileURLToPath(new URL('../python/run_differential.py', import.meta.url));
    const runs: { release: string; env: NodeJS.ProcessEnv }[] = [{ release: 'system', env: {} }];
    for (const release of PYJWT_RELEASES) {
      const dir = join(PYJWT_DIR, release);
      expect(existsSync(join(dir, 'jwt', '__init__.py')), `PyJWT ${release} sources at ${dir} (set TENANTS_TEST_PYJWT_DIR)`).toBe(true);
      runs.push({ release, env: { PYTHONPATH: dir } });
    }
    const expected = all(ts);
    const seen = new Set<string>();
    for (const run of runs) {
      const result = await runPython([script, moduleDir, casesFile], run.env);
      expect(result.stderr, run.release).toBe('');
      const out = JSON.parse(result.stdout) as { pyjwt: string; path: string; codes: Code[][] };
      if (run.release !== 'system') {
        expect(out.pyjwt).toBe(run.release);
        expect(out.path.startsWith(PYJWT_DIR)).toBe(true);
      }
      seen.add(out.pyjwt);
      const got = all(out.codes);
      const differences = Object.keys(expected)
        .filter((name) => got[name] !== expected[name])
        .map((name) => `${name}: TS ${expected[name]}, Python ${got[name]}`);
      expect(differences, `PyJWT ${out.pyjwt}`).toEqual([]);
    }
    expect(seen.size).toBe(4);
  });

  it('an independent verifier (jose jwtVerify plus application and tenant checks) agrees where the RFCs decide', async () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const [i, scenario] of scenarios.entries()) {
      if (scenario.unavailable || scenario.cases.every((c) => c.reference === false)) continue;
      const jwks = createLocalJWKSet(JSON.parse(scenario.jwksText) as JSONWebKeySet);
      for (const [j, c] of scenario.cases.entries()) {
        if (c.reference === false) continue;
        compared += 1;
        const ours = ts[i]![j]!;
        const theirs = await reference(c, scenario, jwks);
        const agree = c.reference === 'code' ? theirs === ours || (theirs === 'wrong_audience' && ours === 'id_token') : (theirs === null) === (ours === null);
        if (!agree) disagreements.push(`${scenario.name} / ${c.name}: ours ${ours}, reference ${theirs}`);
      }
    }
    expect(compared).toBeGreaterThan(700);
    expect(disagreements).toEqual([]);
  });

  it('an Express app with requireTenant answers every case as the core decides (401 with an ASCII WWW-Authenticate, 503 without keys)', async () => {
    const app = express();
    scenarios.forEach((scenario, i) => {
      const verifier = createVerifier(scenario.settings, { now: () => NOW * 1000 });
      app.get(`/s/${i}`, requireTenant(verifier) as unknown as express.RequestHandler, (req, res) => {
        res.json({ tenant: (req as unknown as { auth: { tenant: string } }).auth.tenant });
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const problems: string[] = [];
    let sent = 0;
    try {
      const jobs: (() => Promise<void>)[] = [];
      scenarios.forEach((scenario, i) =>
        scenario.cases.forEach((c, j) => {
          if (!/^[\t\x20-\x7e]*$/.test(c.token) || c.token.length > 8000) return; // not sendable in an HTTP header (Node's limit is 16 KiB)
          jobs.push(async () => {
            sent += 1;
            const authorization = /^[ \t]*bearer(?:[ \t]|$)/i.test(c.token) ? c.token : `Bearer ${c.token}`;
            const res = await fetch(`${url}/s/${i}`, { headers: { authorization } });
            const text = await res.text();
            let body: { code?: string };
            try {
              body = JSON.parse(text) as { code?: string };
            } catch {
              body = { code: `not JSON: ${res.status} ${text.slice(0, 200)}` };
            }
            const want = ts[i]![j]!;
            const challenge = res.headers.get('www-authenticate');
            const got = res.status === 200 ? null : res.status === 503 ? 'key_set_unavailable' : (body.code ?? `status ${res.status}`);
            if (got !== want) problems.push(`${scenario.name} / ${c.name}: core ${want}, Express ${got} (${res.status})`);
            if (
              res.status === 401 &&
              !(challenge === 'Bearer' || /^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/.test(challenge ?? ''))
            ) {
              problems.push(`${scenario.name} / ${c.name}: WWW-Authenticate ${challenge}`);
            }
          });
        }),
      );
      for (let k = 0; k < jobs.length; k += 16) await Promise.all(jobs.slice(k, k + 16).map((job) => job()));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(sent).toBeGreaterThan(2000);
    expect(problems).toEqual([]);
  });
});

/** jose's jwtVerify on the token as a client would send it, plus the checks jose has no option for. */
async function reference(c: Case, scenario: Scenario, jwks: ReturnType<typeof createLocalJWKSet>): Promise<Code> {
  const s = scenario.settings;
  if (s.schemaVersion !== 1) throw new Error('the reference compares schemaVersion 1 scenarios only');
  const token = c.token.trim();
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: s.issuer,
      audience: s.audience,
      algorithms: s.algorithms,
      clockTolerance: s.leewaySeconds,
      currentDate: new Date(NOW * 1000),
      requiredClaims: ['exp'],
    });
    if (payload[s.clientIdClaim] !== s.clientId) return 'wrong_application';
    const tenant = payload[s.tenantClaim];
    if (tenant === undefined || tenant === null) return 'missing_tenant_claim';
    return tenant === s.tenant ? null : 'wrong_tenant';
  } catch (error) {
    if (error instanceof errors.JWTExpired) return 'expired';
    if (error instanceof errors.JWTClaimValidationFailed) {
      return (
        ({ iss: 'wrong_issuer', aud: 'wrong_audience', nbf: 'not_yet_valid', exp: 'expired' } as Record<string, string>)[error.claim] ?? `claim ${error.claim}`
      );
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
    if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_kid';
    if (error instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
    return `reference error ${(error as Error).name}`;
  }
}
