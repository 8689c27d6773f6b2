import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantsError } from '../../src/core/tenants-error.js';
import { verifyToken } from '../../src/core/verify-token.js';
import { jwksSource } from '../../src/io/jwks-source.js';
import { makeScenarios, type Scenario } from '../helpers/differential-cases.js';
import { PYTHON } from '../helpers/python.js';
import { serveScenarioKeySets } from '../helpers/scenario-key-sets.js';
import { tempDir } from '../helpers/workspace.js';

/**
 * Hostile tokens and key sets through a real FastAPI app (uvicorn) using only the generated tenant_auth.py:
 * one copy of the module per key set, each with its tenant.json beside it, as a backend deploys it.
 */
const work = tempDir('tenants-hostile-');
const scenarios: Scenario[] = makeScenarios({ seed: 7, randomRuns: 200 });
let jwksServer: Server;
let app: ChildProcess | undefined;
let base = '';
let appLog = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  jwksServer = await serveScenarioKeySets(scenarios);
  const template = fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url));
  scenarios.forEach((scenario, i) => {
    const dir = join(work.path, `tenant-${i}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(template, join(dir, 'tenant_auth.py'));
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(scenario.settings));
  });
  writeFileSync(
    join(work.path, 'app.py'),
    [
      'import importlib.util',
      'from fastapi import Depends, FastAPI',
      '',
      'app = FastAPI()',
      '',
      'def load(name, path):',
      '    spec = importlib.util.spec_from_file_location(name, path)',
      '    module = importlib.util.module_from_spec(spec)',
      '    spec.loader.exec_module(module)',
      '    return module',
      '',
      `for i in range(${scenarios.length}):`,
      "    module = load(f'tenant_auth_{i}', f'tenant-{i}/tenant_auth.py')",
      '    def whoami(claims: dict = Depends(module.require_tenant)):',
      "        return {'sub': claims.get('sub')}",
      "    app.get(f'/s/{i}')(whoami)",
      '',
    ].join('\n'),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn(PYTHON, ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], {
    cwd: work.path,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  app.stderr!.on('data', (d: Buffer) => (appLog += d.toString()));
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${base}/docs`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`uvicorn did not start: ${appLog}`);
});

afterAll(async () => {
  app?.kill('SIGTERM');
  await new Promise<void>((r) => jwksServer.close(() => r()));
  work.remove();
});

/** A raw HTTP/1.1 request, so header bytes outside Latin-1 (UTF-8) reach the server as they are. */
function rawRequest(path: string, authorization: Buffer): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        Buffer.concat([
          Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\nAuthorization: `),
          authorization,
          Buffer.from('\r\n\r\n'),
        ]),
      );
    });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), head: data.split('\r\n\r\n')[0]! }));
  });
}

const CHALLENGE = /^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;

describe('require_tenant in a real FastAPI app never answers 5xx for a token', () => {
  it('answers every generated and hostile token with 200 or 401 as the TS core decides, with a valid WWW-Authenticate', async () => {
    const problems: string[] = [];
    const now = Date.now() / 1000;
    const jobs: (() => Promise<void>)[] = [];
    let sent = 0;
    for (const [i, scenario] of scenarios.entries()) {
      const sources = new Map<string, ReturnType<typeof jwksSource>>();
      const keys = (uri: string) => sources.get(uri) ?? sources.set(uri, jwksSource(uri)).get(uri)!;
      for (const c of scenario.cases) {
        if (!/^[\t\x20-\x7e]*$/.test(c.token) || c.token.length > 8000) continue;
        let want: string | null;
        try {
          want = (await verifyToken(c.token, scenario.settings, keys, now)).code;
        } catch (error) {
          want = error instanceof TenantsError ? 'key_set_unavailable' : String(error);
        }
        jobs.push(async () => {
          sent += 1;
          const authorization = /^[ \t]*bearer(?:[ \t]|$)/i.test(c.token) ? c.token : `Bearer ${c.token}`;
          const res = await fetch(`${base}/s/${i}`, { headers: { authorization } }).catch((error: Error) => error);
          if (res instanceof Error) {
            problems.push(`${scenario.name} / ${c.name}: ${res.message} (the server dropped the connection)`);
            return;
          }
          const body = (await res.json().catch(() => ({}))) as { detail?: { code?: string } };
          const got =
            res.status === 200
              ? null
              : res.status === 503
                ? 'key_set_unavailable'
                : res.status === 401
                  ? (body.detail?.code ?? 'no code')
                  : `status ${res.status}`;
          if (got !== want) problems.push(`${scenario.name} / ${c.name}: core ${want}, FastAPI ${got}`);
          const challenge = res.headers.get('www-authenticate') ?? '';
          if (res.status === 401 && challenge !== 'Bearer' && !CHALLENGE.test(challenge))
            problems.push(`${scenario.name} / ${c.name}: WWW-Authenticate ${challenge}`);
        });
      }
    }
    for (let k = 0; k < jobs.length; k += 8) await Promise.all(jobs.slice(k, k + 8).map((job) => job()));
    expect(sent).toBeGreaterThan(800);
    expect(problems).toEqual([]);
    expect(appLog).not.toMatch(/Traceback|Exception in ASGI/);
  });

  it('escapes non-Latin-1 claims into an ASCII WWW-Authenticate (issuer and tenant in Japanese)', async () => {
    const a = scenarios.findIndex((s) => s.name.startsWith('auth0-like'));
    for (const name of ['claims: a non-Latin-1 issuer', 'claims: a non-Latin-1 tenant']) {
      const token = scenarios[a]!.cases.find((c) => c.name === name)!.token;
      const res = await fetch(`${base}/s/${a}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, name).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(CHALLENGE);
      expect(challenge).toMatch(/U\+[0-9A-F]{4}/);
      const body = (await res.json()) as { detail: { code: string; message: string } };
      expect(body.detail.code).toBe(name.endsWith('issuer') ? 'wrong_issuer' : 'wrong_tenant');
    }
  });

  it('answers a token sent as raw UTF-8 header bytes, and Bearer undefined, with 401', async () => {
    const a = scenarios.findIndex((s) => s.name.startsWith('auth0-like'));
    const utf8 = await rawRequest(`/s/${a}`, Buffer.from('Bearer eyJhbGciOiJSUzI1NiJ9.例え.x', 'utf8'));
    expect(utf8.status).toBe(401);
    expect(utf8.head).toMatch(/www-authenticate: Bearer error="invalid_token", error_description="malformed: /i);
    const undef = await fetch(`${base}/s/${a}`, { headers: { authorization: 'Bearer undefined' } });
    expect(undef.status).toBe(401);
    expect(undef.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="missing_token: /);
    expect(((await undef.json()) as { detail: { code: string } }).detail.code).toBe('missing_token');
    const none = await fetch(`${base}/s/${a}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { detail: { code: string } }).detail.code).toBe('missing_token');
  });
});
