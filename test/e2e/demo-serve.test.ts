import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFastApiPython } from '../../src/demo/find-fastapi-python.js';
import { parseSpaEnv } from '../../src/demo/sample-spa.js';
import { BIN } from '../helpers/cli.js';
import { PYTHON } from '../helpers/test-deps.js';
import { tempDir } from '../helpers/workspace.js';

interface Serving {
  emulator: string;
  caCertFile: string;
  spa: Record<string, string>;
  backends: Record<string, string>;
}

/** A GET trusting only the demo's own certificate (it makes a new one per run). */
const get = (url: string, ca: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request(url, { method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });

describe('tenants demo --serve', () => {
  it('leaves the emulator, the sample SPA and both FastAPI backends running until Ctrl-C, then stops them all', async () => {
    const work = tempDir('tenants-demo-serve-');
    const child = spawn(process.execPath, [BIN, 'demo', '--serve', '--json', '--dir', work.path], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', TENANTS_PYTHON: PYTHON, AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const summary = await new Promise<{ serving: Serving }>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          try {
            resolve(JSON.parse(stdout) as { serving: Serving });
          } catch {
            // not the whole document yet
          }
        });
        child.on('close', (code) => reject(new Error(`demo exited ${code}: ${stderr}`)));
      });
      const { serving } = summary;
      const ca = readFileSync(serving.caCertFile, 'utf8');
      expect(stderr).toContain('Serving on 127.0.0.1 until Ctrl-C');
      expect(stderr).toContain(`certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n auth0-tenants-demo -i ${serving.caCertFile}`);
      expect(stderr).toMatch(/ben@acme\.example\s+created\s+https:\/\/127\.0\.0\.1:\d+\/lo\/reset\?ticket=/);

      const page = await get(serving.spa['acme']!, ca);
      expect(page.text).toContain('/auth0-spa-js.production.js');
      const config = await get(`${serving.spa['acme']}config.js`, ca);
      const spaEnv = parseSpaEnv(readFileSync(join(work.path, 'tenants', 'acme', 'spa.env'), 'utf8'));
      expect(config.text).toContain(`"VITE_AUTH0_CLIENT_ID":"${spaEnv['VITE_AUTH0_CLIENT_ID']}"`);
      expect((await get(`${serving.emulator}/.well-known/openid-configuration`, ca)).status).toBe(200);

      const origin = new URL(serving.spa['acme']!).origin;
      const noToken = await get(`${serving.backends['globex']}/api/whoami`, ca, { origin });
      expect(noToken.status).toBe(401);
      expect(noToken.headers['access-control-allow-origin']).toBe(origin);
      expect(String(noToken.headers['access-control-expose-headers']).toLowerCase()).toContain('www-authenticate');

      child.kill('SIGINT');
      expect(await exited).toBe(130);
      await expect(get(`${serving.backends['acme']}/api/whoami`, ca)).rejects.toThrow();
      await expect(get(serving.spa['acme']!, ca)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      work.remove();
    }
  });

  it('names what to install when no Python with FastAPI is found', () => {
    const work = tempDir('tenants-no-python-');
    try {
      expect(findFastApiPython(work.path, { TENANTS_PYTHON: '/nonexistent/python3' }, [])).toEqual({ python: undefined, tried: ['/nonexistent/python3'] });
      expect(findFastApiPython(work.path, { TENANTS_PYTHON: PYTHON }, []).python).toBe(PYTHON);
    } finally {
      work.remove();
    }
  });
});
