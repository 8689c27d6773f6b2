import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer-core';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSampleSpa, type RunningSampleSpa } from '../../src/demo/sample-spa.js';
import { startTenantBackend, type RunningTenantBackend } from '../../src/demo/tenant-backend.js';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { runCli } from '../helpers/cli.js';
import { launchTrustingBrowser } from '../helpers/browser.js';
import { testEmulator } from '../helpers/emulator.js';
import { PYTHON } from '../helpers/test-deps.js';
import { credentialsEnv, tempDir } from '../helpers/workspace.js';

// The browser half of an organizations project, for real: Debian's Chromium runs @auth0/auth0-spa-js in the sample
// SPA configured only from spa.env (the shared application and the tenant's organization), accepts an organization
// invitation (the invitation link's `invitation` + `organization`), logs in through an organization
// (`authorizationParams.organization`), and calls FastAPI backends that use only the emitted tenant_auth.py.
const AUDIENCE = 'https://api.browser-orgs.example.com';
const NAMESPACE = 'https://browser-orgs.example.com/';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.cache', 'browser-screenshots');
const work = tempDir('tenants-browser-orgs-');
let emulator: RunningEmulator;
let spa: RunningSampleSpa;
let browser: Browser;
let page: Page;
const backends: Record<string, string> = {};
const running: RunningTenantBackend[] = [];
const authorizeRequests: URL[] = [];
let invitationUrl = '';
const consoleLines: string[] = [];

interface CallResult {
  status: number;
  wwwAuthenticate: string | null;
  body: { claims?: Record<string, unknown> } | null;
}
interface SpaApp {
  ready: boolean;
  token: string | null;
  callbackResult: { ok: boolean; error?: string; error_description?: string; user?: { email?: string } } | null;
  login(): Promise<void>;
  tryToken(how: 'tokenWithRefresh' | 'tokenWithSession'): Promise<{ token?: string; error?: string; error_description?: string }>;
  callBackend(name: string, token?: string): Promise<CallResult>;
}
type InPage = { app: SpaApp };
const cli = (args: string[]) => runCli(args, { cwd: work.path, env: credentialsEnv(emulator) });
const settingsOf = (t: string) =>
  JSON.parse(readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8')) as { clientIds: string[]; organization: { id: string } };
const ready = (p: Page = page) => p.waitForFunction(() => (globalThis as unknown as { app?: SpaApp }).app?.ready === true);
const watch = (p: Page) => {
  p.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  p.on('pageerror', (error) => consoleLines.push(`pageerror: ${String(error)}`));
  p.on('request', (request: HTTPRequest) => {
    const url = new URL(request.url());
    if (url.host === emulator.domain && url.pathname === '/authorize') authorizeRequests.push(url);
  });
};

beforeAll(async () => {
  emulator = await testEmulator();
  const tls = JSON.parse(readFileSync(process.env['TENANTS_TEST_TLS']!, 'utf8')) as { cert: string; key: string };
  spa = await startSampleSpa({ tls, tenantsDir: join(work.path, 'tenants'), tenants: ['acme', 'globex'], backends });
  const init = await cli([
    'init',
    '--no-input',
    '--strategy',
    'organizations',
    '--domain',
    emulator.domain,
    '--audience',
    AUDIENCE,
    '--claim-namespace',
    NAMESPACE,
    '--callbacks',
    `${spa.origin}/{tenant}/`,
    '--web-origins',
    spa.origin,
    '--login-uri',
    `${spa.origin}/login`,
  ]);
  expect(init.code, init.stderr).toBe(0);
  const created = await cli(['create', 'acme', 'globex']);
  expect(created.code, created.stderr).toBe(0);
  await emulator.createUser({ email: 'gus@globex.example', password: 'Gus-s3cret-pass' });
  const added = await cli(['users', 'add', 'globex', 'gus@globex.example']);
  expect(added.code, added.stderr).toBe(0);
  const invited = await cli(['users', 'invite', 'acme', 'ann@acme.example', '--json']);
  expect(invited.code, invited.stderr).toBe(0);
  invitationUrl = (JSON.parse(invited.stdout) as { users: { invitationUrl: string }[] }).users[0]!.invitationUrl;

  for (const started of await Promise.all(
    ['acme', 'globex'].map((t) =>
      startTenantBackend({ python: PYTHON, tenantDir: join(work.path, 'tenants', t), spaOrigin: spa.origin, tls, caCertFile: emulator.caCertFile }),
    ),
  ))
    running.push(started);
  backends['acme'] = running[0]!.url;
  backends['globex'] = running[1]!.url;

  // The browser trusts the emulator's CA through an NSS database in its own HOME, as a person's browser would.
  browser = await launchTrustingBrowser(work.path, emulator.caCertFile);
  page = await browser.newPage();
  watch(page);
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `orgs-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page?.screenshot({ path: file as `${string}.png`, fullPage: true }).catch(() => undefined);
    process.stderr.write(`browser test failed at ${page?.url()}; screenshot: ${file}\nbrowser console:\n${consoleLines.slice(-20).join('\n')}\n`);
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((b) => b.close()));
  await spa?.close();
  await emulator?.close();
  work.remove();
});

describe("a real browser in an organizations project: invitations, logins through an organization, the tenants' FastAPI backends", () => {
  it('spa.env names the shared application and the tenant organization; the invitation link leads to the login URI', () => {
    const env = readFileSync(join(work.path, 'tenants', 'acme', 'spa.env'), 'utf8');
    expect(env).toContain(`VITE_AUTH0_CLIENT_ID=${settingsOf('acme').clientIds[0]}`);
    expect(env).toContain(`VITE_AUTH0_ORGANIZATION=${settingsOf('acme').organization.id}`);
    const link = new URL(invitationUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`${spa.origin}/login`);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ organization: settingsOf('acme').organization.id, organization_name: 'acme' });
  });

  it('an invited person opens the link, auth0-spa-js logs in with invitation + organization, she chooses a password and gets a token of her organization', async () => {
    await page.goto(invitationUrl);
    await page.waitForSelector('#password');
    expect(new URL(page.url()).host).toBe(emulator.domain);
    const sent = authorizeRequests.at(-1)!;
    const link = new URL(invitationUrl);
    expect(sent.searchParams.get('invitation')).toBe(link.searchParams.get('invitation'));
    expect(sent.searchParams.get('organization')).toBe(settingsOf('acme').organization.id);
    expect(sent.searchParams.get('client_id')).toBe(settingsOf('acme').clientIds[0]);
    expect(await page.$eval('#username', (e) => (e as unknown as { value: string }).value)).toBe('ann@acme.example');
    await page.type('#password', 'Ann-s3cret-pass');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await ready();
    const state = await page.evaluate(() => ({
      token: (globalThis as unknown as InPage).app.token,
      result: (globalThis as unknown as InPage).app.callbackResult,
    }));
    expect(state.result, JSON.stringify(state.result)).toMatchObject({ ok: true, user: { email: 'ann@acme.example' } });
    expect(decodeJwt(state.token!)).toMatchObject({
      azp: settingsOf('acme').clientIds[0],
      org_id: settingsOf('acme').organization.id,
      [`${NAMESPACE}tenant`]: 'acme',
    });
    expect(page.url()).toBe(spa.urlOf('acme'));
  });

  it("acme's backend answers 200 to her token; globex's answers 401 wrong_organization, readable through CORS", async () => {
    const own = await page.evaluate(() => (globalThis as unknown as InPage).app.callBackend('acme'));
    expect(own.status).toBe(200);
    expect(own.body?.claims?.[`${NAMESPACE}tenant`]).toBe('acme');
    const other = await page.evaluate(() => (globalThis as unknown as InPage).app.callBackend('globex'));
    expect(other.status).toBe(401);
    expect(other.wwwAuthenticate).toMatch(/^Bearer error="invalid_token", error_description="wrong_organization: /);
    // A fresh token through the rotating refresh token keeps the organization.
    const refreshed = await page.evaluate(() => (globalThis as unknown as InPage).app.tryToken('tokenWithRefresh'));
    expect(decodeJwt(refreshed.token!)['org_id']).toBe(settingsOf('acme').organization.id);
  });

  it("her login through globex's organization is refused by Auth0 (not a member) and auth0-spa-js reports access_denied", async () => {
    await page.goto(spa.urlOf('globex'));
    await ready();
    await Promise.all([page.waitForNavigation(), page.evaluate(() => void (globalThis as unknown as InPage).app.login())]);
    await ready();
    expect(authorizeRequests.at(-1)!.searchParams.get('organization')).toBe(settingsOf('globex').organization.id);
    const result = await page.evaluate(() => (globalThis as unknown as InPage).app.callbackResult);
    expect(result).toMatchObject({ ok: false, error: 'access_denied' });
    expect(result?.error_description).toContain('is not part of the');
  });

  it("a member logs in through his organization (authorizationParams.organization from spa.env): globex's backend 200, acme's 401", async () => {
    const context: BrowserContext = await browser.createBrowserContext();
    const own = await context.newPage();
    watch(own);
    try {
      await own.goto(spa.urlOf('globex'));
      await ready(own);
      await Promise.all([own.waitForNavigation(), own.evaluate(() => void (globalThis as unknown as InPage).app.login())]);
      expect(authorizeRequests.at(-1)!.searchParams.get('organization')).toBe(settingsOf('globex').organization.id);
      await own.type('#username', 'gus@globex.example');
      await own.type('#password', 'Gus-s3cret-pass');
      await Promise.all([own.waitForNavigation(), own.click('button[type=submit]')]);
      await ready(own);
      const token = await own.evaluate(() => (globalThis as unknown as InPage).app.token);
      expect(decodeJwt(token!)).toMatchObject({ org_id: settingsOf('globex').organization.id, [`${NAMESPACE}tenant`]: 'globex' });
      expect((await own.evaluate(() => (globalThis as unknown as InPage).app.callBackend('globex'))).status).toBe(200);
      const other = await own.evaluate(() => (globalThis as unknown as InPage).app.callBackend('acme'));
      expect(other.status).toBe(401);
      expect(other.wwwAuthenticate).toMatch(/wrong_organization/);
    } finally {
      await context.close();
    }
  });
});
