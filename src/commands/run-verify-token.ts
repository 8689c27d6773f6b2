import { resolve } from 'node:path';
import { TenantsError, usageError } from '../core/tenants-error.js';
import type { Verdict } from '../core/verify-token.js';
import type { CommandContext } from './context.js';
import type { VerifyTokenArgs } from './verify-token.js';
import { verifyTokenOptions } from './verify-token-options.js';
import { parseOptions } from './parse-options.js';

/** `tenants verify-token`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runVerifyToken(context: () => CommandContext, readStdin: () => Promise<string>, ...[tokenArg, options]: VerifyTokenArgs): Promise<void> {
  const ctx = context();
  parseOptions(verifyTokenOptions, options);
  if (Boolean(options.tenant) === Boolean(options.config)) {
    throw usageError(
      'missing_option',
      'Give --tenant <id> or --config <path to tenant.json> (one of them).',
      'Example: tenants verify-token --tenant acme < token.txt',
    );
  }
  if (options.batch && tokenArg !== undefined && tokenArg !== '-') {
    throw usageError(
      'invalid_option',
      '--batch reads the tokens from stdin, one per line; give no token argument.',
      'Example: tenants verify-token --tenant acme --batch < tokens.txt',
    );
  }
  let now = ctx.now() / 1000;
  if (options.at !== undefined) {
    const at = Date.parse(options.at);
    if (Number.isNaN(at))
      throw usageError('invalid_option', `Invalid value for --at: ${JSON.stringify(options.at)}.`, 'Give an ISO time such as 2026-11-28T12:00:00Z.');
    now = at / 1000;
  }
  const [{ readTenantSettings }, { jwksSource }, { verifyToken }] = await Promise.all([
    import('../io/tenant-settings-file.js'),
    import('../io/jwks-source.js'),
    import('../core/verify-token.js'),
  ]);
  // --tenant reads tenants.config.json (and its full schema); --config <tenant.json> needs neither.
  const path = options.config ? resolve(ctx.cwd, options.config) : await settingsPathOf(ctx.cwd, options.tenant!);
  const settings = readTenantSettings(path);
  // --jwks stands for every issuer's key set; otherwise each accepted issuer's jwksUri, fetched when its issuer matched.
  const sources = new Map<string, ReturnType<typeof jwksSource>>();
  const keys = (jwksUri: string) => {
    const uri = options.jwks ?? jwksUri;
    let source = sources.get(uri);
    if (!source) sources.set(uri, (source = jwksSource(uri)));
    return source;
  };

  if (options.batch) {
    const lines = (await readStdin()).split('\n');
    let rejected = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() === '') continue;
      const verdict = await verifyToken(lines[i]!, settings, keys, now);
      if (!verdict.valid) rejected += 1;
      ctx.out.record({ line: i + 1, ...verdict }, batchLine(i + 1, verdict, ctx));
    }
    if (rejected > 0) throw new TenantsError('rejected', 'rejected', `${rejected} token(s) rejected.`, { alreadyReported: true });
    return;
  }

  if (tokenArg !== undefined && tokenArg !== '-') {
    ctx.out.message('Note: a token given as an argument shows in `ps` and the shell history; pipe it on stdin instead.');
  }
  const token = tokenArg === undefined || tokenArg === '-' ? await readStdin() : tokenArg;
  const verdict = await verifyToken(token, settings, keys, now);
  ctx.out.result(verdict, renderVerdict(verdict, ctx));
  // The verdict (with its code) is already printed: only the exit code (3) is left to decide.
  if (!verdict.valid) throw new TenantsError('rejected', 'rejected', verdict.message, { alreadyReported: true, details: { verdict: verdict.code } });
}

function batchLine(line: number, v: Verdict, ctx: CommandContext): string {
  const c = ctx.out.color;
  return v.valid ? `${line}\t${c.green('ACCEPTED')}\t${v.tenant}` : `${line}\t${c.red('REJECTED')}\t${v.code}\t${v.message}`;
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

async function settingsPathOf(cwd: string, tenant: string): Promise<string> {
  const [{ parseTenantIds }, { tenantSettingsPath }] = await Promise.all([import('../core/tenant-id.js'), import('../io/tenant-settings-path.js')]);
  return tenantSettingsPath(cwd, parseTenantIds([tenant])[0]!);
}
