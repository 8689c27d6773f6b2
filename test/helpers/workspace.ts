import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/emulator.js';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The environment a user exports for a tenant: credentials only in env vars. */
export const credentialsEnv = (e: RunningEmulator): NodeJS.ProcessEnv => ({
  AUTH0_DOMAIN: e.domain,
  AUTH0_CLIENT_ID: e.clientId,
  AUTH0_CLIENT_SECRET: e.clientSecret,
  CI: 'true',
});

/** Every file under a folder with its bytes, for "nothing changed" and "no secret" checks. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

export const writes = (e: RunningEmulator, from = 0) => e.requests.slice(from).filter((r) => r.method !== 'GET');
