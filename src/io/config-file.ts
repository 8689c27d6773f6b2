import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeZodError } from '../core/describe-zod-error.js';
import { CONFIG_FILE, projectConfigSchema, type ProjectConfig } from '../core/project-config.js';
import { TenantsError } from '../core/tenants-error.js';

export interface LoadedConfig {
  config: ProjectConfig;
  path: string;
  /** `outputDir` resolved against the config file's folder. */
  outputDir: string;
}

/** Reads and validates tenants.config.json; every problem names the field and the fix. */
export function loadConfig(cwd: string, path?: string): LoadedConfig {
  const file = resolve(cwd, path ?? CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TenantsError('usage', 'config_missing', `No ${CONFIG_FILE} at ${file}.`, {
        hint: 'Run `tenants init` first (or pass --config <path>).',
      });
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TenantsError('usage', 'config_invalid', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Fix the JSON syntax, or delete the file and run `tenants init` again.',
    });
  }
  const parsed = projectConfigSchema.safeParse(json);
  if (!parsed.success) {
    const { field, problem } = describeZodError(parsed.error);
    throw new TenantsError('usage', 'config_invalid', `${file}: field "${field}" ${problem}.`, {
      hint: `Fix "${field}" in ${file} (your editor completes it from the $schema), or run \`tenants init\` to rewrite it.`,
      details: { field },
    });
  }
  return { config: parsed.data, path: file, outputDir: join(dirname(file), parsed.data.outputDir) };
}
