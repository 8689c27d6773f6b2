import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
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

// The browser half, for real: Debian's Chromium runs @auth0/auth0-spa-js in a SPA configured only from the
// emitted spa.env, logs in through the emulator, and calls FastAPI backends that use only tenant_auth.py.
const AUDIENCE = 'https://api.browser.example.com';
const NAMESPACE = 'https://browser.example.com/';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.cache', 'browser-screenshots');
const work = tempDir('tenants-browser-');
let emulator: RunningEmulator;
let spa: RunningSampleSpa;
let browser: Browser;
let page: Page;
const backends: Record<string, string> = {};
const running: RunningTenantBackend[] = [];
const tokenRequests: URLSearchParams[] = [];
const authorizeRequests: URL[] = [];
let ticketUrl = '';
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
  logout(returnTo?: string): Promise<void>;
  tryToken(how: 'tokenWithRefresh' | 'tokenWithSession'): Promise<{ token?: string; error?: string; error_description?: string }>;
  callBackend(name: string, token?: string): Promise<CallResult>;
}
type InPage = { app: SpaApp };
const cli = (args: string[]) => runCli(args, { cwd: work.path, env: credentialsEnv(emulator) });
const clientOf = (t: string) => (JSON.parse(readFileSync(join(work.path, 'tenants', t, 'tenant.json'), 'utf8')) as { clientId: string }).clientId;
const ready = () => page.waitForFunction(() => (globalThis as unknown as { app?: SpaApp }).app?.ready === true);

beforeAll(async () => {
  emulator = await testEmulator();
  const tls = JSON.parse(readFileSync(process.env['TENANTS_TEST_TLS']!, 'utf8')) as { cert: string; key: string };
  spa = await startSampleSpa({ tls, tenantsDir: join(work.path, 'tenants'), tenants: ['acme', 'globex'], backends });
  expect((await cli(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--claim-namespace', NAMESPACE])).code).toBe(0);
  const configFile = join(work.path, 'tenants.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { application: Record<string, unknown> };
  config.application = { ...config.application, callbacks: [`${spa.origin}/{tenant}/`], logoutUrls: [`${spa.origin}/{tenant}/`], webOrigins: [spa.origin] };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  expect((await cli(['create', 'acme', 'globex'])).code).toBe(0);
  const invited = await cli(['users', 'invite', 'acme', 'ann@acme.example', '--json']);
  expect(invited.code, invited.stderr).toBe(0);
  ticketUrl = (JSON.parse(invited.stdout) as { users: { ticketUrl: string }[] }).users[0]!.ticketUrl;

  for (const started of await Promise.all(
    ['acme', 'globex'].map((t) =>
      startTenantBackend({
        python: PYTHON,
        tenantDir: join(work.path, 'tenants', t),
        spaOrigin: spa.origin,
        tls,
        caCertFile: emulator.caCertFile,
      }),
    ),
  ))
    running.push(started);
  backends['acme'] = running[0]!.url;
  backends['globex'] = running[1]!.url;

  // The browser trusts the emulator's CA through an NSS database in its own HOME, as a person's browser would.
  browser = await launchTrustingBrowser(work.path, emulator.caCertFile);
  page = await browser.newPage();
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${String(error)}`));
  page.on('request', (request: HTTPRequest) => {
    const url = new URL(request.url());
    if (url.host !== emulator.domain) return;
    if (url.pathname === '/oauth/token' && request.method() === 'POST') tokenRequests.push(new URLSearchParams(request.postData() ?? ''));
    if (url.pathname === '/authorize') authorizeRequests.push(url);
  });
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
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

describe("a real browser: auth0-spa-js, the emulator and the tenants' FastAPI backends", () => {
  it("an invited user sets a password from the ticket, logs in through acme's SPA, and handleRedirectCallback gives a token", async () => {
    await page.goto(ticketUrl);
    await page.type('#password', 'Ann-s3cret-pass');
    await page.type('#confirm', 'Ann-s3cret-pass');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(page.url()).toMatch(new RegExp(`^${spa.urlOf('acme')}\\?success=true`));
    await ready();

    await Promise.all([page.waitForNavigation(), page.evaluate(() => void (globalThis as unknown as InPage).app.login())]);
    expect(new URL(page.url()).host).toBe(emulator.domain);
    await page.type('#username', 'ann@acme.example');
    await page.type('#password', 'Ann-s3cret-pass');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await ready();
    const state = await page.evaluate(() => ({
      token: (globalThis as unknown as InPage).app.token,
      result: (globalThis as unknown as InPage).app.callbackResult,
    }));
    expect(state.result).toMatchObject({ ok: true, user: { email: 'ann@acme.example' } });
    expect(decodeJwt(state.token!)).toMatchObject({ azp: clientOf('acme'), [`${NAMESPACE}tenant`]: 'acme', aud: expect.arrayContaining([AUDIENCE]) });
    expect(tokenRequests.at(-1)?.get('grant_type')).toBe('authorization_code');
    expect(page.url()).toBe(spa.urlOf('acme'));
  });

  it('getTokenSilently rotates the refresh token, and silent authentication with the session gives a token', async () => {
    const first = await page.evaluate(() => (globalThis as unknown as InPage).app.tryToken('tokenWithRefresh'));
    const second = await page.evaluate(() => (globalThis as unknown as InPage).app.tryToken('tokenWithRefresh'));
    expect(first.token && second.token, JSON.stringify({ first, second })).toBeTruthy();
    const refreshes = tokenRequests.filter((r) => r.get('grant_type') === 'refresh_token');
    expect(refreshes).toHaveLength(2);
    expect(refreshes[1]!.get('refresh_token')).not.toBe(refreshes[0]!.get('refresh_token'));

    const silent = await page.evaluate(() => (globalThis as unknown as InPage).app.tryToken('tokenWithSession'));
    expect(silent.token, JSON.stringify(silent)).toBeTruthy();
    expect(decodeJwt(silent.token!)).toMatchObject({ azp: clientOf('acme'), [`${NAMESPACE}tenant`]: 'acme' });
    const iframe = authorizeRequests.at(-1)!;
    expect(Object.fromEntries(iframe.searchParams)).toMatchObject({ prompt: 'none', response_mode: 'web_message' });
  });

  it("acme's backend answers 200; globex's answers 401 wrong_application with WWW-Authenticate readable through CORS", async () => {
    const own = await page.evaluate(() => (globalThis as unknown as InPage).app.callBackend('acme'));
    expect(own.status).toBe(200);
    expect(own.body?.claims?.[`${NAMESPACE}tenant`]).toBe('acme');
    const other = await page.evaluate(() => (globalThis as unknown as InPage).app.callBackend('globex'));
    expect(other.status).toBe(401);
    expect(other.wwwAuthenticate).toMatch(/^Bearer error="invalid_token", error_description="wrong_application: /);
  });

  it("a login through globex's application is denied by the Action and auth0-spa-js surfaces access_denied", async () => {
    await page.goto(spa.urlOf('globex'));
    await ready();
    await Promise.all([page.waitForNavigation(), page.evaluate(() => void (globalThis as unknown as InPage).app.login())]);
    await ready();
    const result = await page.evaluate(() => (globalThis as unknown as InPage).app.callbackResult);
    expect(result).toMatchObject({ ok: false, error: 'access_denied' });
    expect(result?.error_description).toMatch(/acme|tenant/i);
  });

  it('logout returns to an allowed URL and ends the session; a foreign returnTo is refused', async () => {
    await page.goto(spa.urlOf('acme'));
    await ready();
    await Promise.all([page.waitForNavigation(), page.evaluate(() => void (globalThis as unknown as InPage).app.logout())]);
    expect(page.url()).toBe(spa.urlOf('acme'));
    await ready();
    expect(await page.evaluate(() => (globalThis as unknown as InPage).app.tryToken('tokenWithSession'))).toMatchObject({ error: 'login_required' });
    const foreign = await page.goto(`${emulator.url}/v2/logout?${new URLSearchParams({ client_id: clientOf('acme'), returnTo: 'https://evil.example.com/' })}`);
    expect(foreign?.status()).toBe(400);
    expect(await page.content()).toContain('is not defined as a valid URL in "Allowed Logout URLs"');
  });
});
