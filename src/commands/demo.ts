import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from '@commander-js/extra-typings';
import { TenantsError } from '../core/tenants-error.js';
import type { CommandContext } from './context.js';

const BIN = fileURLToPath(new URL('../../bin/tenants.js', import.meta.url));
const AUDIENCE = 'https://api.demo-saas.example.com';
const NAMESPACE = 'https://demo-saas.example.com/';

/**
 * The README's main job, with no Auth0 account: starts the embedded emulator, then runs the real CLI
 * against it exactly as a user would (each step printed as the command it is).
 */
export function demoCommand(context: () => CommandContext) {
  return new Command('demo')
    .description('run the whole flow against the embedded Auth0 emulator: init, create acme and globex, show the results')
    .option('--dir <path>', 'work in this folder (default: a new temporary folder)')
    .action(async (options) => {
      const ctx = context();
      const { startEmulator } = await import('../emulator/emulator.js');
      const emulator = await startEmulator({ actionBuildMs: 1500 });
      const dir = options.dir ? resolve(ctx.cwd, options.dir) : mkdtempSync(join(tmpdir(), 'auth0-tenants-demo-'));
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
      const run = async (args: string[]) => {
        say(`\n${c.cyan('$')} ${c.bold(['tenants', ...args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' '))}`);
        const code = await new Promise<number | null>((done, fail) => {
          const child = spawn(process.execPath, [BIN, ...args], {
            cwd: dir, env, stdio: ['ignore', ctx.out.json ? process.stderr : 'inherit', 'inherit'],
          });
          child.on('error', fail);
          child.on('close', done);
        });
        if (code !== 0) throw new TenantsError('auth0', 'demo_failed', `tenants ${args[0]} exited with ${code}.`);
      };
      try {
        say(c.bold(`Auth0 emulator running on https://${emulator.domain} (no Auth0 account needed)`));
        say(c.dim(`Working in ${dir}; credentials come from AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, never from flags.`));
        await run(['init', '--no-input', '--domain', emulator.domain, '--audience', AUDIENCE, '--api-name', 'Demo SaaS API',
          '--claim-namespace', NAMESPACE]);
        await run(['create', 'acme', 'globex']);
        await run(['create', 'acme', 'globex']);
        await run(['list']);
        await run(['show', 'acme']);
        const settings = readFileSync(join(dir, 'tenants', 'acme', 'tenant.json'), 'utf8');
        say(`\n${c.cyan('$')} ${c.bold('cat tenants/acme/tenant.json')}\n${settings.trimEnd()}`);
        say([
          '',
          c.bold('What happened'),
          `  - one shared API (${AUDIENCE}) that only the tenant applications may get user tokens for;`,
          `  - one post-login Action adding ${NAMESPACE}tenant from app_metadata, built, deployed and bound;`,
          '  - one SPA application per tenant, tagged client_metadata.tenant, with its client grant;',
          '  - the second `create` changed nothing: every command converges.',
          '',
          c.bold('Try next'),
          `  cd ${dir}`,
          '  look at tenants/acme/backend.env and tenants/acme/spa.env',
          '  npx tenants emulator --port 0     # a long-running emulator for your own experiments',
        ].join('\n'));
        ctx.out.result({ workspace: dir, domain: emulator.domain, tenants: { acme: JSON.parse(settings) as unknown } });
      } finally {
        await emulator.close();
      }
    });
}
