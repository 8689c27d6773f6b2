import { Command } from '@commander-js/extra-typings';
import { parseTenantIds } from '../core/tenant-id.js';
import { TenantsError, usageError } from '../core/tenants-error.js';
import { verifyToken, type Verdict } from '../core/verify-token.js';
import { jwksSource } from '../io/jwks-source.js';
import { readTenantSettings, tenantSettingsPath } from '../io/tenant-settings-file.js';
import type { CommandContext } from './context.js';
import { resolve } from 'node:path';

export function verifyTokenCommand(context: () => CommandContext, readStdin: () => Promise<string>) {
  return new Command('verify-token')
    .description("check an access token exactly as the tenant's backend does, and explain every failure")
    .argument('[token]', 'the token; read from stdin when absent or "-"')
    .option('--tenant <id>', "check against this tenant's tenant.json")
    .option('--config <path>', 'check against this tenant.json')
    .option('--jwks <file|url>', 'use this key set instead of jwksUri (a file works offline)')
    .option('--at <iso-time>', 'evaluate at this moment instead of now')
    .action(async (tokenArg, options) => {
      const ctx = context();
      if (Boolean(options.tenant) === Boolean(options.config)) {
        throw usageError('missing_option', 'Give --tenant <id> or --config <path to tenant.json> (one of them).', 'Example: tenants verify-token --tenant acme "$TOKEN"');
      }
      const path = options.config ? resolve(ctx.cwd, options.config) : tenantSettingsPath(ctx.cwd, parseTenantIds([options.tenant!])[0]!);
      const settings = readTenantSettings(path);
      let now = ctx.now() / 1000;
      if (options.at !== undefined) {
        const at = Date.parse(options.at);
        if (Number.isNaN(at)) throw usageError('invalid_option', `Invalid value for --at: ${JSON.stringify(options.at)}.`, 'Give an ISO time such as 2026-11-28T12:00:00Z.');
        now = at / 1000;
      }
      const keys = jwksSource(options.jwks ?? settings.jwksUri);
      const token = tokenArg === undefined || tokenArg === '-' ? await readStdin() : tokenArg;
      const verdict = await verifyToken(token, settings, keys, now);
      ctx.out.result(verdict, renderVerdict(verdict, ctx));
      if (!verdict.valid) throw new TenantsError('rejected', verdict.code ?? 'rejected', verdict.message, { alreadyReported: true });
    });
}

function renderVerdict(v: Verdict, ctx: CommandContext): string {
  const c = ctx.out.color;
  const show = (x: unknown) => (x === null || x === undefined ? '-' : typeof x === 'string' ? x : JSON.stringify(x));
  const width = Math.max(...v.checks.map((k) => k.name.length));
  const lines = v.checks.map((k) => {
    const mark = k.ok === true ? c.green('✓') : k.ok === false ? c.red('✗') : c.dim('·');
    const body = k.ok === null ? c.dim('not checked') : `expected ${show(k.expected)}, got ${show(k.actual)}`;
    return `  ${mark} ${k.name.padEnd(width)}  ${body}`;
  });
  const head = v.valid ? c.green(`ACCEPTED for tenant ${v.tenant}`) : c.red(`REJECTED [${v.code}] for tenant ${v.tenant}`);
  return [head, `  ${v.message}`, ...lines, ...(v.hint ? [`  ${c.dim('Hint:')} ${v.hint}`] : [])].join('\n');
}
