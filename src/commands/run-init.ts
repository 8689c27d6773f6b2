import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { actionCodeForMode } from '../core/action-code.js';
import { credentialsFromEnv } from '../core/credentials.js';
import { applySharedPlan, planSharedResources } from '../core/ensure-shared-resources.js';
import { isWrite } from '../core/plan.js';
import { CONFIG_FILE, projectConfigJsonSchema, SCHEMA_FILE } from '../core/project-config.js';
import { resolveInitConfig, splitUrls } from '../core/resolve-init-config.js';
import { TenantsError } from '../core/tenants-error.js';
import { renderInit } from '../io/render-init.js';
import { readTemplate } from '../io/templates.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { CommandContext } from './context.js';
import { announceTarget, connect } from './project.js';
import { checkApplicationSettings } from '../core/check-application-settings.js';
import { desiredApplication } from '../core/desired-state.js';
import { assertScopes, scopesFor } from '../core/required-scopes.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { assertWritableDir } from '../io/assert-writable-dir.js';
import type { InitArgs } from './init.js';
import { assertExitCodeUsage, exitIfPending } from '../core/changes-pending.js';
import { renderMarkdown } from '../io/render-markdown.js';
import { holdLease, releaseLease } from './hold-lease.js';
import type { HeldLease } from '../core/run-lease.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants init`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runInit(context: () => CommandContext, ...[options]: InitArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.init, options);
  const configPath = resolve(ctx.cwd, options.config ?? CONFIG_FILE);
  const config = await resolveInitConfig(
    readExisting(configPath),
    {
      domain: options.domain,
      audience: options.audience,
      apiName: options.apiName,
      claimNamespace: options.claimNamespace,
      outputDir: options.outputDir,
      requireClientGrant: options.requireClientGrant === false ? false : undefined,
      strategy: options.strategy,
      loginUri: options.loginUri,
      callbacks: options.callbacks === undefined ? undefined : splitUrls(options.callbacks),
      logoutUrls: options.logoutUrls === undefined ? undefined : splitUrls(options.logoutUrls),
      webOrigins: options.webOrigins === undefined ? undefined : splitUrls(options.webOrigins),
    },
    ctx.env['AUTH0_DOMAIN'],
    ctx.interactive
      ? (_field, message, validate, suggested) => ctx.prompter.input({ message, validate, ...(suggested ? { default: suggested } : {}) })
      : undefined,
  );
  const credentials = credentialsFromEnv(ctx.env, config.domain);
  assertExitCodeUsage(options);
  // Refused before anything is written or sent: URLs and names the config would give every application, the output folder.
  const warnings = checkApplicationSettings(desiredApplication(config, 'example'), 'example', configPath, Boolean(options.allowWildcards));
  assertWritableDir(dirname(configPath), '--config');
  assertWritableDir(join(dirname(configPath), config.outputDir), '--output-dir (outputDir)');
  warnings.forEach((w) => ctx.out.message(ctx.out.color.yellow(`Warning: ${w}`)));
  const files = options.dryRun
    ? {}
    : {
        [CONFIG_FILE]: writeFileAtomic(configPath, `${JSON.stringify(config, null, 2)}\n`),
        [SCHEMA_FILE]: writeFileAtomic(join(dirname(configPath), SCHEMA_FILE), `${JSON.stringify(projectConfigJsonSchema(), null, 2)}\n`),
      };
  const { port } = await connect(ctx, credentials);
  const shared = { config, actionCode: actionCodeForMode(readTemplate, config, tenancyFor(config).actionMode) };
  // The plan, as data, from one read of Auth0: what --dry-run prints, and what is applied.
  let plan = await planSharedResources(port, shared);
  let steps = plan.steps;
  if (!options.dryRun && plan.steps.some(isWrite)) {
    const needed = scopesFor(config.strategy);
    assertScopes(port.grantedScopes(), [...needed.init, ...(config.strategy === 'organizations' ? needed.lease : [])], 'init');
    announceTarget(ctx, credentials);
    // A run with something to write holds the lease, then reads and plans again: another run may have written meanwhile.
    const lease: HeldLease | undefined = await holdLease(ctx, { port, config }, 'init', options.waitLock);
    try {
      plan = await planSharedResources(port, shared);
      steps = await applySharedPlan({ port, sleep: ctx.sleep, now: ctx.now, progress: (t) => ctx.out.message(ctx.out.color.dim(t)) }, shared, plan);
    } finally {
      await releaseLease(lease);
    }
  }
  const changed = steps.some(isWrite);
  const document = { dryRun: Boolean(options.dryRun), changed, config: configPath, files, steps };
  ctx.out.result(document, options.format === 'markdown' ? renderMarkdown('init', document) : renderInit(document, config, ctx.out.color));
  if (options.dryRun) exitIfPending(options, changed);
}

function readExisting(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new TenantsError('usage', 'config_invalid', `${path} is not a JSON object.`, { hint: 'Fix or delete it, then run `tenants init` again.' });
}
