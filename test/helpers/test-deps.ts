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

/**
 * Upstream PyJWT releases to run tenant_auth.py under besides the system one: pure-Python sources, one
 * folder per version holding `jwt/`, put first on PYTHONPATH (default: ../shared/python/pyjwt beside the clone).
 */
export const PYJWT_DIR = process.env['TENANTS_TEST_PYJWT_DIR'] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'python', 'pyjwt');
export const PYJWT_RELEASES = ['2.8.0', '2.10.1', '2.12.1'];
/** NSS's certutil, to make the browser trust the emulator's CA. */
export const CERTUTIL = process.env['TENANTS_TEST_CERTUTIL'] ?? deps.certutil ?? '/usr/bin/certutil';
