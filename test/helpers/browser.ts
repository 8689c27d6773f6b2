import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { expect } from 'vitest';
import { collect } from './cli.js';
import { CERTUTIL, CHROMIUM } from './test-deps.js';

/**
 * Debian's Chromium, headless, trusting the emulator's CA through an NSS database in its own HOME under `workDir`,
 * as a person's browser would.
 */
export async function launchTrustingBrowser(workDir: string, caCertFile: string): Promise<Browser> {
  const home = join(workDir, 'home');
  const nssdb = join(home, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  expect((await collect(CERTUTIL, ['-N', '-d', `sql:${nssdb}`, '--empty-password'])).code).toBe(0);
  expect((await collect(CERTUTIL, ['-A', '-d', `sql:${nssdb}`, '-n', 'auth0-tenants emulator', '-t', 'CT,C,C', '-i', caCertFile])).code).toBe(0);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: join(workDir, 'profile'),
    env: { ...process.env, HOME: home },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
