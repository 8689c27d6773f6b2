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
  /** `applications` (default) or `organizations`. */
  strategy?: string | undefined;
  /** organizations.loginUri: the shared application's initiate_login_uri (invitations need it). */
  loginUri?: string | undefined;
  /** The SPA's URLs (application.callbacks, logoutUrls, webOrigins); {tenant} placeholders allowed. */
  callbacks?: string[] | undefined;
  logoutUrls?: string[] | undefined;
  webOrigins?: string[] | undefined;
}

const URL_FIELDS = [
  {
    field: 'callbacks',
    flag: '--callbacks',
    message: 'SPA callback URL(s), comma-separated, {tenant} allowed (e.g. https://{tenant}.app.example.com/callback; empty: none yet)',
  },
  { field: 'logoutUrls', flag: '--logout-urls', message: 'SPA logout URL(s), comma-separated' },
  { field: 'webOrigins', flag: '--web-origins', message: 'SPA web origin(s), comma-separated' },
] as const;

/** "a, b c" -> ["a", "b", "c"]: how URL lists are given on the command line and at the prompt. */
export const splitUrls = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** The origins of URLs (a {tenant} placeholder kept): what an SPA served at its callback URL needs as web origin. */
function originsOf(urls: string[]): string[] {
  const origins = urls.map((u) => {
    const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(u);
    return match ? match[1]! : u;
  });
  return [...new Set(origins)];
}

/** The values `tenants init` must have, with the flag that gives each and the question that asks for it. */
const REQUIRED = [
  { field: 'domain', flag: '--domain', message: 'Auth0 domain (e.g. acme.eu.auth0.com)' },
  { field: 'audience', flag: '--audience', message: 'Shared API identifier (the token audience, e.g. https://api.saas.example.com)' },
  { field: 'claimNamespace', flag: '--claim-namespace', message: 'Claim namespace (a URL ending in "/", e.g. https://saas.example.com/)' },
] as const;

const FLAG_OF: Record<string, string> = {
  domain: '--domain',
  audience: '--audience',
  apiName: '--api-name',
  claimNamespace: '--claim-namespace',
  outputDir: '--output-dir',
  strategy: '--strategy',
  organizations: '--login-uri',
};
const URL_FLAG_OF: Record<string, string> = { callbacks: '--callbacks', logoutUrls: '--logout-urls', webOrigins: '--web-origins' };

/**
 * Settings for `tenants init`: flags win over the existing config file, which wins over AUTH0_DOMAIN;
 * a required value still missing is asked for when `ask` is given (a terminal), else a usage error
 * naming its flag. The result is validated by the config schema, so what is written is always valid.
 */
export async function resolveInitConfig(
  existing: Record<string, unknown> | undefined,
  flags: InitFlags,
  envDomain: string | undefined,
  ask: ((field: string, message: string, validate: (v: string) => true | string, suggested?: string) => Promise<string>) | undefined,
): Promise<ProjectConfig> {
  const merged: Record<string, unknown> = { ...(existing ?? {}) };
  const { callbacks, logoutUrls, webOrigins, loginUri, ...scalars } = flags;
  for (const [key, value] of Object.entries(scalars)) if (value !== undefined) merged[key] = value;
  if (loginUri !== undefined) merged['organizations'] = { ...((existing?.['organizations'] as Record<string, unknown> | undefined) ?? {}), loginUri };
  const application: Record<string, unknown> = { ...((existing?.['application'] as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries({ callbacks, logoutUrls, webOrigins })) if (value !== undefined) application[key] = value;
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
  // The SPA's URLs: asked on a terminal when the config has none, so the applications are usable (no
  // callbacks_empty warning). Logout URLs default to the callbacks, web origins to the callbacks' origins.
  const listed = (key: string) => Array.isArray(application[key]) && (application[key] as unknown[]).length > 0;
  if (!listed('callbacks') && ask) {
    const urlShape = projectConfigSchema.shape.application.unwrap().shape.callbacks;
    const validate = (v: string) => {
      const result = urlShape.safeParse(splitUrls(v));
      return result.success ? true : (result.error.issues[0]?.message ?? 'invalid');
    };
    for (const { field, message } of URL_FIELDS) {
      if (listed(field)) continue;
      const suggested =
        field === 'callbacks'
          ? ''
          : (field === 'logoutUrls'
              ? ((application['callbacks'] as string[] | undefined) ?? [])
              : originsOf((application['callbacks'] as string[] | undefined) ?? [])
            ).join(', ');
      application[field] = splitUrls(await ask(field, message, validate, suggested || undefined));
      if (field === 'callbacks' && !listed('callbacks')) break; // no SPA URLs yet: create warns until they are set
    }
  }
  if (listed('callbacks') && !listed('logoutUrls') && logoutUrls === undefined) application['logoutUrls'] = application['callbacks'];
  if (listed('callbacks') && !listed('webOrigins') && webOrigins === undefined) application['webOrigins'] = originsOf(application['callbacks'] as string[]);
  if (Object.keys(application).length > 0) merged['application'] = application;
  merged['$schema'] = `./${SCHEMA_FILE}`;
  const parsed = projectConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const { field, problem } = describeZodError(parsed.error);
    const [top, sub] = field.split('.');
    const flag = top === 'application' ? URL_FLAG_OF[sub ?? ''] : FLAG_OF[top ?? ''];
    throw new TenantsError('usage', 'invalid_option', `Invalid ${flag ?? field}: ${problem}.`, {
      hint: flag ? `Pass a valid ${flag}.` : `Fix "${field}" in the config file.`,
      details: { field },
    });
  }
  return parsed.data;
}
