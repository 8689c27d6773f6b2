import type { ManagementPort } from '../auth0/management-port.js';
import { credentialsFromEnv } from '../core/credentials.js';
import { loadConfig, type LoadedConfig } from '../io/config-file.js';
import type { CommandContext } from './context.js';

export interface Project extends LoadedConfig { port: ManagementPort }

/** The config file and a Management API session: what most commands start from. */
export async function openProject(ctx: CommandContext, configPath: string | undefined): Promise<Project> {
  const loaded = loadConfig(ctx.cwd, configPath);
  const credentials = credentialsFromEnv(ctx.env, loaded.config.domain);
  return { ...loaded, port: await ctx.management(credentials) };
}
