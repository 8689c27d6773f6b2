import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TENANCY_STRATEGIES } from '../core/tenancy.js';
import { TenantsError, usageError } from '../core/tenants-error.js';
import type { RunningEmulator } from '../emulator/emulator.js';
import type { CommandContext } from './context.js';
import { SERVED_TENANTS, startServing, type Served } from './demo-serve.js';
import type { DemoArgs } from './demo.js';
const BIN = fileURLToPath(new URL('../../bin/tenants.js', import.meta.url));
const AUDIENCE = 'https://api.demo-saas.example.com';
const NAMESPACE = 'https://demo-saas.example.com/';

/** `tenants demo`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runDemo(context: () => CommandContext, ...[options]: DemoArgs): Promise<void> {
  const ctx = context();
  const strategy = options.strategy ?? 'applications';
  if (!(TENANCY_STRATEGIES as readonly string[]).includes(strategy))
    throw usageError('invalid_option', `Invalid --strategy ${strategy}: "applications" or "organizations".`, 'Pass --strategy organizations, or leave it out.');
  if (strategy === 'organizations' && options.serve)
    throw usageError(
      'invalid_option',
      '--serve runs the applications strategy only for now (the sample SPA does not log in through organizations yet).',
      'Run `tenants demo --strategy organizations` without --serve.',
    );
  const { startEmulator } = await import('../emulator/emulator.js');
  const dir = options.dir ? resolve(ctx.cwd, options.dir) : mkdtempSync(join(tmpdir(), 'auth0-tenants-demo-'));
  mkdirSync(dir, { recursive: true });
  const stop = options.serve ? ctx.gracefulStop() : undefined;
  const tls = await (await import('../emulator/tls.js')).generateTlsMaterial();
  const backends: Record<string, string> = {};
  const spa = options.serve
    ? await (await import('../demo/sample-spa.js')).startSampleSpa({ tls, tenantsDir: join(dir, 'tenants'), tenants: SERVED_TENANTS, backends })
    : undefined;
  const emulator = await startEmulator({ actionBuildMs: 1500, tls, ...(options.serve ? { caCertFile: join(dir, 'emulator-ca.pem') } : {}) });
  let served: Served | undefined;
  const say = (text: string) => ctx.out.message(text);
  const c = ctx.out.color;
  const env = {
    ...ctx.env,
    AUTH0_DOMAIN: emulator.domain,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    NODE_EXTRA_CA_CERTS: emulator.caCertFile,
    ...(ctx.out.color.level === 0 ? { NO_COLOR: '1' } : { FORCE_COLOR: '1' }),
  };
  /** Runs the real CLI; `stdin` (a token) is piped, never passed as an argument, and shown as `$TOKEN`. */
  const run = async (args: string[], expectedCode = 0, stdin?: string) => {
    const shown = ['tenants', ...args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
    say(`\n${c.cyan('$')} ${c.bold(stdin === undefined ? shown : `echo "$TOKEN" | ${shown}`)}`);
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: dir,
        env,
        stdio: [stdin === undefined ? 'ignore' : 'pipe', ctx.out.json ? process.stderr : 'inherit', 'inherit'],
      });
      child.on('error', fail);
      child.on('close', done);
      if (stdin !== undefined) child.stdin?.end(`${stdin}\n`);
    });
    if (code !== expectedCode) throw new TenantsError('auth0', 'demo_failed', `tenants ${args[0]} exited with ${code}, expected ${expectedCode}.`);
    return code;
  };
  try {
    if (strategy === 'organizations') {
      const { organizationsDemo } = await import('./demo-organizations.js');
      return ctx.out.result(await organizationsDemo({ emulator, dir, run, say, c, bin: BIN, login: (body) => emulatorLogin(emulator, body) }));
    }
    say(c.bold(`Auth0 emulator running on https://${emulator.domain} (no Auth0 account needed)`));
    say(c.dim(`Working in ${dir}; credentials come from AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, never from flags.`));
    // The SPA's URLs: the sample SPA's pages with --serve, else where each tenant's SPA would live.
    const callback = spa ? `${spa.origin}/{tenant}/` : 'https://{tenant}.demo-saas.example.com/';
    await run([
      'init',
      '--no-input',
      '--domain',
      emulator.domain,
      '--audience',
      AUDIENCE,
      '--api-name',
      'Demo SaaS API',
      '--claim-namespace',
      NAMESPACE,
      '--callbacks',
      callback,
    ]);
    if (spa) say(c.dim(`(--serve) tenants.config.json: callbacks and logout URLs ${spa.origin}/{tenant}/, web origin ${spa.origin} (the sample SPA)`));
    await run(['create', 'acme', 'globex']);
    await run(['create', 'acme', 'globex']);
    // The Auth0 tenant is shared: another team's application claims "legacy" without our ownership marker.
    const { createClient } = await import('../emulator/management/clients.js');
    createClient(emulator.tenant, { name: 'Legacy portal (another team)', app_type: 'regular_web', client_metadata: { tenant: 'legacy' } });
    emulator.tenant.state.commit();
    const marker = Object.values(emulator.tenant.state.data.clients).find((cl) => cl['name'] === 'acme')?.['client_metadata'];
    say(`\n${c.bold("acme's application carries the ownership marker")}: client_metadata ${JSON.stringify(marker)}`);
    say(c.dim('Another team\'s application "Legacy portal" has client_metadata {"tenant":"legacy"} but no marker: every command leaves it alone.'));
    await run(['create', 'legacy'], 2);
    await run(['list']);
    await run(['show', 'acme']);
    const settings = readFileSync(join(dir, 'tenants', 'acme', 'tenant.json'), 'utf8');
    say(`\n${c.cyan('$')} ${c.bold('cat tenants/acme/tenant.json')}\n${settings.trimEnd()}`);

    // A user signs up (the demo's stand-in for your sign-up flow), ops put her into acme, and she logs in.
    await emulator.createUser({ email: 'ann@acme.example', password: 'Demo-passw0rd' });
    await run(['users', 'add', 'acme', 'ann@acme.example']);
    const acme = JSON.parse(settings) as { clientId: string };
    const globex = JSON.parse(readFileSync(join(dir, 'tenants', 'globex', 'tenant.json'), 'utf8')) as { clientId: string };
    const credentials = { username: 'ann@acme.example', password: 'Demo-passw0rd', audience: AUDIENCE, scope: 'openid profile' };
    say(`\n${c.bold("ann@acme.example logs in to globex's application")}`);
    const denied = await emulatorLogin(emulator, { client_id: globex.clientId, ...credentials }).catch((error: unknown) => error as TenantsError);
    say(`  ${typeof denied === 'string' ? c.red('allowed (unexpected)') : c.green(`denied by the Action: ${denied.message}`)}`);
    say(`\n${c.bold("ann@acme.example logs in to acme's application, asking for the API audience")}`);
    const token = await emulatorLogin(emulator, { client_id: acme.clientId, ...credentials });
    say(c.dim(`  TOKEN=${token.slice(0, 24)}... (the access token, kept in memory)`));
    const accepted = await run(['verify-token', '--tenant', 'acme'], 0, token);
    const rejected = await run(['verify-token', '--tenant', 'globex'], 3, token);
    await run(['doctor']);
    say(
      `\n${c.bold('Verdicts')}: acme ${accepted === 0 ? c.green('accepted') : c.red('rejected')} (exit ${accepted}); globex ${c.red('rejected')} (exit ${rejected}), as its backend would refuse it.`,
    );
    say(
      [
        '',
        c.bold('What happened'),
        `  - one shared API (${AUDIENCE}) that only the tenant applications may get user tokens for;`,
        `  - one post-login Action adding ${NAMESPACE}tenant from app_metadata, built, deployed and bound;`,
        '  - one SPA application per tenant, marked client_metadata.tenants_managed_by = "auth0-tenants" beside client_metadata.tenant, with its client grant;',
        '  - another team\'s application claiming "legacy" without the marker was refused by create (exit 2), left out of list and noted by doctor;',
        "  - every write named its Auth0 domain first, checked the token's scopes, and refused bad settings before sending anything;",
        '  - the second `create` changed nothing: every command converges;',
        "  - Auth0 itself refused ann's login to globex's application (the Action's cross-tenant guard);",
        "  - acme's token is accepted for acme and refused for globex: the backend module tenant_auth.py decides the same way.",
        '',
        c.bold('Try next'),
        `  cd ${dir}`,
        '  look at tenants/acme/backend.env, tenants/acme/spa.env and tenants/acme/tenant_auth.py (FastAPI: Depends(require_tenant))',
        `  node ${BIN} emulator --port 0     # a long-running emulator for your own experiments`,
      ].join('\n'),
    );
    if (spa) {
      await run(['users', 'invite', 'acme', 'ben@acme.example']);
      served = await startServing({ emulator, spa, dir, tls, backends, env: ctx.env, say, c });
    }
    ctx.out.result({
      workspace: dir,
      domain: emulator.domain,
      tenants: { acme: JSON.parse(settings) as unknown },
      verdicts: { acme: accepted === 0, globex: rejected === 0 },
      crossTenantLoginDenied: typeof denied !== 'string',
      ...(served
        ? {
            serving: {
              emulator: served.emulator,
              caCertFile: served.caCertFile,
              spa: served.spa,
              backends: served.backends,
              ...(served.backendsMissing ? { backendsMissing: served.backendsMissing } : {}),
            },
          }
        : {}),
    });
    if (stop) await new Promise<void>((done) => (stop.aborted ? done() : stop.addEventListener('abort', () => done(), { once: true })));
  } finally {
    await served?.close();
    await spa?.close();
    await emulator.close();
  }
}

/** Logs in through the emulator's loopback helper (the demo's stand-in for a browser), trusting its CA. */
async function emulatorLogin(emulator: RunningEmulator, body: Record<string, string>): Promise<string> {
  const { request } = await import('node:https');
  const answer = await new Promise<{ status: number; text: string }>((resolveAnswer, reject) => {
    const req = request(
      `${emulator.url}/__emulator/login`,
      {
        method: 'POST',
        ca: readFileSync(emulator.caCertFile),
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
  if (answer.status !== 200) {
    const body = JSON.parse(answer.text) as { error?: string; error_description?: string };
    throw new TenantsError('auth0', 'login_failed', `${body.error ?? 'login failed'}: ${body.error_description ?? answer.text}`);
  }
  return (JSON.parse(answer.text) as { access_token: string }).access_token;
}
