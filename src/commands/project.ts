import type { ManagementPort } from '../auth0/management-port.js';
import { RequestPacer } from '../auth0/request-pacer.js';
import { credentialsFromEnv } from '../core/credentials.js';
import { loadConfig, type LoadedConfig } from '../io/config-file.js';
import type { CommandContext } from './context.js';

export interface Project extends LoadedConfig { port: ManagementPort; pacer: RequestPacer }

/** Interactive commands are not throttled up front, but still obey Auth0's rate-limit headers and absorb 429s. */
export const INTERACTIVE_PACE = { maxRps: 50, concurrency: 4 };

/** The config file and a Management API session: what most commands start from. */
export async function openProject(ctx: CommandContext, configPath: string | undefined, pace = INTERACTIVE_PACE): Promise<Project> {
  const loaded = loadConfig(ctx.cwd, configPath);
  const credentials = credentialsFromEnv(ctx.env, loaded.config.domain);
  const pacer = new RequestPacer(pace.maxRps, pace.concurrency);
  return { ...loaded, pacer, port: await ctx.management(credentials, pacer) };
}
