import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { testEmulator } from '../helpers/emulator.js';
import { PYTHON } from '../helpers/python.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

const AUDIENCE = 'https://api.fastapi.example.com';
const NAMESPACE = 'https://fastapi.example.com/';
const work = tempDir('tenants-fastapi-');
let emulator: RunningEmulator;
let server: ChildProcess | undefined;
let base = '';
const tokens: Record<string, string> = {};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function login(clientId: string, username: string): Promise<string> {
  const answer = await fetch(`${emulator.url}/__emulator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, username, password: 'Str0ng-pass', audience: AUDIENCE, scope: 'openid profile' }),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  emulator = await testEmulator();
  const env = credentialsEnv(emulator);
  const cwd = work.path;
  expect((await runCli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE], { cwd, env })).code).toBe(
    0,
  );
  expect((await runCli(['create', 'acme', 'globex'], { cwd, env })).code).toBe(0);
  await emulator.createUser({ email: 'ann@acme.example', password: 'Str0ng-pass', app_metadata: { tenant: 'acme' } });
  await emulator.createUser({ email: 'gus@globex.example', password: 'Str0ng-pass', app_metadata: { tenant: 'globex' } });
  const { readFileSync } = await import('node:fs');
  const clientOf = (t: string) => (JSON.parse(readFileSync(join(cwd, 'tenants', t, 'tenant.json'), 'utf8')) as { clientId: string }).clientId;
  tokens['acme'] = await login(clientOf('acme'), 'ann@acme.example');
  tokens['globex'] = await login(clientOf('globex'), 'gus@globex.example');

  writeFileSync(
    join(cwd, 'app.py'),
    [
      'import sys',
      "sys.path.insert(0, 'tenants/acme')",
      'from fastapi import Depends, FastAPI',
      'from tenant_auth import require_tenant',
      '',
      'app = FastAPI()',
      '',
      "@app.get('/whoami')",
      'def whoami(claims: dict = Depends(require_tenant)):',
      `    return {'sub': claims['sub'], 'tenant': claims['${NAMESPACE}tenant']}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(PYTHON, ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port)], {
    cwd,
    env: { ...process.env, SSL_CERT_FILE: emulator.caCertFile, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${base}/docs`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('uvicorn did not start');
});

afterAll(async () => {
  server?.kill('SIGTERM');
  await emulator.close();
  work.remove();
});

describe('a real FastAPI app using the generated tenant_auth.py', () => {
  it("answers 200 to an acme user's token", async () => {
    const res = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${tokens['acme']}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tenant: 'acme', sub: expect.stringMatching(/^auth0\|/) });
  });

  it("answers 401 to a globex user's token, naming the reason in WWW-Authenticate", async () => {
    const res = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${tokens['globex']}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="wrong_application: /);
    expect(await res.json()).toMatchObject({ detail: { code: 'wrong_application' } });
  });

  it('answers 401 without a token', async () => {
    const res = await fetch(`${base}/whoami`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});
