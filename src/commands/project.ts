import type { ManagementPort } from '../auth0/management-port.js';
import { RequestPacer } from '../auth0/request-pacer.js';
import { credentialsFromEnv, type Credentials } from '../core/credentials.js';
import { loadConfig, type LoadedConfig } from '../io/config-file.js';
import type { CommandContext } from './context.js';

export interface Project extends LoadedConfig {
  port: ManagementPort;
  pacer: RequestPacer;
}

/** Interactive commands are not throttled up front, but still obey Auth0's rate-limit headers and absorb 429s. */
export const INTERACTIVE_PACE = { maxRps: 50, concurrency: 4 };

/** A Management API session behind its own pacer. */
export async function connect(ctx: CommandContext, credentials: Credentials, pace = INTERACTIVE_PACE): Promise<{ port: ManagementPort; pacer: RequestPacer }> {
  const pacer = new RequestPacer(pace.maxRps, pace.concurrency, ctx.now, ctx.sleep); // the context's clock: tests give a fake one
  return { pacer, port: await ctx.management(credentials, pacer) };
}

/** The config file (its path, or the file already loaded) and a Management API session: what most commands start from. */
export async function openProject(ctx: CommandContext, config: string | undefined | LoadedConfig, pace = INTERACTIVE_PACE): Promise<Project> {
  const loaded = typeof config === 'object' ? config : loadConfig(ctx.cwd, config);
  return { ...loaded, ...(await connect(ctx, credentialsFromEnv(ctx.env, loaded.config.domain), pace)) };
}

/** Every command that writes to Auth0 says where, on stderr, before its first write. */
export function announceTarget(ctx: CommandContext, project: { config: { domain: string } } | { domain: string }): void {
  const domain = 'config' in project ? project.config.domain : project.domain;
  ctx.out.message(ctx.out.color.dim(`Auth0 tenant: ${domain}`));
}
