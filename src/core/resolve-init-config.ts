import { describeZodError } from './describe-zod-error.js';
import { projectConfigSchema, SCHEMA_FILE, type ProjectConfig } from './project-config.js';
import { TenantsError } from './tenants-error.js';

export interface InitFlags {
  domain?: string | undefined;
  audience?: string | undefined;
  apiName?: string | undefined;
  claimNamespace?: string | undefined;
  outputDir?: string | undefined;
  requireClientGrant?: boolean | undefined;
}

/** The values `tenants init` must have, with the flag that gives each and the question that asks for it. */
const REQUIRED = [
  { field: 'domain', flag: '--domain', message: 'Auth0 domain (e.g. acme.eu.auth0.com)' },
  { field: 'audience', flag: '--audience', message: 'Shared API identifier (the token audience, e.g. https://api.saas.example.com)' },
  { field: 'claimNamespace', flag: '--claim-namespace', message: 'Claim namespace (a URL ending in "/", e.g. https://saas.example.com/)' },
] as const;

const FLAG_OF: Record<string, string> = {
  domain: '--domain', audience: '--audience', apiName: '--api-name', claimNamespace: '--claim-namespace', outputDir: '--output-dir',
};

/**
 * Settings for `tenants init`: flags win over the existing config file, which wins over AUTH0_DOMAIN;
 * a required value still missing is asked for when `ask` is given (a terminal), else a usage error
 * naming its flag. The result is validated by the config schema, so what is written is always valid.
 */
export async function resolveInitConfig(
  existing: Record<string, unknown> | undefined,
  flags: InitFlags,
  envDomain: string | undefined,
  ask: ((field: string, message: string, validate: (v: string) => true | string) => Promise<string>) | undefined,
): Promise<ProjectConfig> {
  const merged: Record<string, unknown> = { ...(existing ?? {}) };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  if (merged['domain'] === undefined && envDomain) merged['domain'] = envDomain.replace(/^https:\/\//, '').replace(/\/+$/, '');
  for (const { field, flag, message } of REQUIRED) {
    if (merged[field] !== undefined && merged[field] !== '') continue;
    if (!ask) {
      throw new TenantsError('usage', 'missing_option', `${flag} is required (no ${field} in the config file and no terminal to ask).`, {
        hint: `Pass ${flag} <value>.`,
      });
    }
    const shape = projectConfigSchema.shape[field];
    merged[field] = await ask(field, message, (v) => {
      const result = shape.safeParse(v);
      return result.success ? true : (result.error.issues[0]?.message ?? 'invalid');
    });
  }
  merged['$schema'] = `./${SCHEMA_FILE}`;
  const parsed = projectConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const { field, problem } = describeZodError(parsed.error);
    const flag = FLAG_OF[field.split('.')[0] ?? ''];
    throw new TenantsError('usage', 'invalid_option', `Invalid ${flag ?? field}: ${problem}.`, {
      hint: flag ? `Pass a valid ${flag}.` : `Fix "${field}" in the config file.`,
      details: { field },
    });
  }
  return parsed.data;
}
