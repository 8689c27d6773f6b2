import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What scripts/test-deps.mjs provisioned (run by `npm test` before vitest); the environment wins. */
function provisioned(): { python?: string; chromium?: string; certutil?: string } {
  const file = join(import.meta.dirname, '..', '..', '.cache', 'test-deps.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { python?: string; chromium?: string; certutil?: string }) : {};
}

const deps = provisioned();

/** A Python with PyJWT, cryptography, FastAPI, uvicorn and httpx. */
export const PYTHON = process.env['TENANTS_TEST_PYTHON'] ?? deps.python ?? '/usr/bin/python3';

/** A Chromium (or Chrome) binary for the real-browser test. */
export const CHROMIUM = process.env['TENANTS_TEST_CHROMIUM'] ?? deps.chromium ?? '/usr/bin/chromium';

/** NSS's certutil, to make the browser trust the emulator's CA. */
export const CERTUTIL = process.env['TENANTS_TEST_CERTUTIL'] ?? deps.certutil ?? '/usr/bin/certutil';
