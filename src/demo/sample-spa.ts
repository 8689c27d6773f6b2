import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export interface SampleSpaOptions {
  /** The emulator's certificate and key: the SPA is served on 127.0.0.1 over HTTPS, same-site with the emulator. */
  tls: { cert: string; key: string };
  /** The folder holding `<tenant>/spa.env` (the CLI's outputDir). */
  tenantsDir: string;
  tenants: string[];
  /** Each tenant's backend base URL, for the page's "call the backend" buttons. */
  backends: Record<string, string>;
  port?: number;
}

export interface RunningSampleSpa {
  origin: string;
  /** The page of a tenant, also its callback and logout URL: `${origin}/${tenant}/`. */
  urlOf(tenant: string): string;
  close(): Promise<void>;
}

/** The `KEY=value` lines of a tenant's spa.env (the CLI never quotes a value). */
export function parseSpaEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key, raw] = match as unknown as [string, string, string];
    env[key] = raw;
  }
  return env;
}

const page = (tenant: string, others: string[]) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${tenant} · sample SPA</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto}button{margin:.2rem}pre{background:#f4f4f4;padding:.6rem;white-space:pre-wrap;word-break:break-all}</style>
<script src="/auth0-spa-js.production.js"></script>
<script src="/${tenant}/config.js"></script>
<script src="/app.js" defer></script>
</head><body>
<h1>${tenant}: sample SPA</h1>
<p>Logs in with <code>@auth0/auth0-spa-js</code>, configured only from <code>tenants/${tenant}/spa.env</code>, then calls the tenants' FastAPI backends with the access token.</p>
<p id="status">starting…</p>
<button id="login">Log in</button>
<button id="refresh">Token (refresh token)</button>
<button id="silent">Token (silent, session)</button>
${[tenant, ...others].map((t) => `<button class="call" data-backend="${t}">Call ${t}'s backend</button>`).join('\n')}
<button id="logout">Log out</button>
<pre id="out"></pre>
</body></html>`;

/** The page's script: two auth0-spa-js clients (refresh-token rotation, and the silent-authentication iframe). */
const APP_JS = `(function () {
  const { tenant, env, backends } = window.SPA;
  const redirect_uri = location.origin + '/' + tenant + '/';
  const options = (useRefreshTokens) => ({
    domain: env.VITE_AUTH0_DOMAIN, clientId: env.VITE_AUTH0_CLIENT_ID, cacheLocation: 'memory', useRefreshTokens, authorizeTimeoutInSeconds: 10,
    // Organizations: the tenant's organization (spa.env names it); Auth0 puts its id in the tokens as org_id.
    authorizationParams: { audience: env.VITE_AUTH0_AUDIENCE, redirect_uri, ...(env.VITE_AUTH0_ORGANIZATION ? { organization: env.VITE_AUTH0_ORGANIZATION } : {}) },
  });
  const show = (label, value) => { document.getElementById('out').textContent = label + '\\n' + (typeof value === 'string' ? value : JSON.stringify(value, null, 2)); };
  const failure = (e) => ({ error: e && e.error ? e.error : String(e), error_description: e && e.error_description ? e.error_description : (e && e.message) || '' });
  const app = window.app = { ready: false, token: null, callbackResult: null };
  app.start = (async () => {
    const rotating = await auth0.createAuth0Client(options(true));
    const session = await auth0.createAuth0Client(options(false));
    app.login = () => rotating.loginWithRedirect();
    app.tokenWithRefresh = async () => (app.token = await rotating.getTokenSilently({ cacheMode: 'off' }));
    app.tokenWithSession = async () => (app.token = await session.getTokenSilently({ cacheMode: 'off' }));
    app.tryToken = async (how) => { try { return { token: await app[how]() }; } catch (e) { return failure(e); } };
    app.callBackend = async (name, token) => {
      const res = await fetch(backends[name] + '/api/whoami', { headers: { authorization: 'Bearer ' + (token || app.token) } });
      return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.json().catch(() => null) };
    };
    app.logout = (returnTo) => rotating.logout({ logoutParams: { returnTo: returnTo || redirect_uri } });
    const query = new URLSearchParams(location.search);
    // An organization invitation link (the application's login URI, sent on here): log in with it, as Auth0 asks.
    if (query.has('invitation') && query.has('organization')) {
      app.ready = true;
      return rotating.loginWithRedirect({ authorizationParams: { invitation: query.get('invitation'), organization: query.get('organization') } });
    }
    if ((query.has('code') || query.has('error')) && query.has('state')) {
      try {
        await rotating.handleRedirectCallback();
        app.token = await rotating.getTokenSilently();
        app.callbackResult = { ok: true, user: await rotating.getUser() };
      } catch (e) {
        app.callbackResult = { ok: false, ...failure(e) };
      }
      history.replaceState({}, '', redirect_uri);
    }
    document.getElementById('status').textContent = app.token ? 'logged in: ' + (app.callbackResult && app.callbackResult.user ? app.callbackResult.user.email : '')
      : app.callbackResult ? 'login failed: ' + app.callbackResult.error + ' (' + app.callbackResult.error_description + ')' : 'not logged in';
    document.getElementById('login').onclick = () => app.login();
    document.getElementById('refresh').onclick = async () => show('getTokenSilently (refresh token)', await app.tryToken('tokenWithRefresh'));
    document.getElementById('silent').onclick = async () => show('getTokenSilently (silent authentication)', await app.tryToken('tokenWithSession'));
    for (const button of document.querySelectorAll('.call')) button.onclick = async () => show(button.textContent, await app.callBackend(button.dataset.backend));
    document.getElementById('logout').onclick = () => app.logout();
    app.ready = true;
  })().catch((e) => { app.startError = String(e && e.stack || e); document.getElementById('status').textContent = 'failed to start: ' + e; });
})();
`;

/**
 * A minimal single-page application per tenant, served over HTTPS on 127.0.0.1 with the emulator's certificate:
 * `/<tenant>/` is the page (and the callback and logout URL), configured only from that tenant's spa.env.
 */
export async function startSampleSpa(options: SampleSpaOptions): Promise<RunningSampleSpa> {
  const library = readFileSync(createRequire(import.meta.url).resolve('@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'));
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://spa').pathname;
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    if (path === '/auth0-spa-js.production.js') return send('text/javascript', library);
    if (path === '/app.js') return send('text/javascript', APP_JS);
    const [, tenant, rest] = /^\/([a-z0-9-]+)\/(config\.js)?$/.exec(path) ?? [];
    if (tenant && options.tenants.includes(tenant)) {
      if (rest) {
        const env = parseSpaEnv(readFileSync(join(options.tenantsDir, tenant, 'spa.env'), 'utf8'));
        return send('text/javascript', `window.SPA = ${JSON.stringify({ tenant, env, backends: options.backends })};`);
      }
      return send(
        'text/html; charset=utf-8',
        page(
          tenant,
          options.tenants.filter((t) => t !== tenant),
        ),
      );
    }
    // The login URI of an organizations project (invitation links lead here): on to the organization's tenant page.
    if (path === '/login') {
      const query = new URL(req.url ?? '/', 'https://spa').searchParams;
      const tenant = query.get('organization_name') ?? '';
      const target = options.tenants.includes(tenant) ? `/${tenant}/?${query}` : '/';
      return res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
    }
    if (path === '/')
      return send(
        'text/html; charset=utf-8',
        `<!doctype html><title>sample SPA</title><ul>${options.tenants.map((t) => `<li><a href="/${t}/">${t}</a></li>`).join('')}</ul>`,
      );
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    urlOf: (tenant) => `${origin}/${tenant}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
