import { z } from 'zod';
import { TENANCY_STRATEGIES } from './tenancy.js';

const urlTemplate = z
  .string()
  .min(1)
  .refine((v) => {
    try {
      new URL(v.replaceAll('{tenant}', 'tenant').replace(/\*/g, 'x'));
      return true;
    } catch {
      return false;
    }
  }, 'must be an absolute URL ({tenant} placeholders allowed)');

/** Values written unquoted to .env files: a shell (`source`), Vite's dotenv and `docker --env-file` all read them as-is. */
export const ENV_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Auth0 drops custom claims under its own domains without an error (docs: create custom claims). */
export const RESERVED_CLAIM_DOMAINS = ['auth0.com', 'webtask.io', 'webtask.run'];

export function isReservedNamespace(namespace: string): boolean {
  let host: string;
  try {
    host = new URL(namespace).hostname.toLowerCase();
  } catch {
    return false;
  }
  return RESERVED_CLAIM_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/** `tenants.config.json`: the project's settings. The JSON Schema beside it is generated from this. */
export const projectConfigSchema = z
  .object({
    $schema: z.string().optional(),
    strategy: z
      .enum(TENANCY_STRATEGIES)
      .default('applications')
      .describe(
        'How tenants are isolated in Auth0: "applications" (one application per tenant) or "organizations" (one Auth0 organization per tenant, one shared application).',
      ),
    domain: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'must be a host name such as "acme.eu.auth0.com" (no scheme, no path)')
      .describe('The Auth0 domain tokens are issued under (a custom domain if you use one): the issuer is https://<domain>/.'),
    customDomain: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'must be a host name such as "login.saas.example.com" (no scheme, no path)')
      .optional()
      .describe(
        'A custom domain in front of `domain` (Auth0 issues `iss` for whichever domain a token was obtained through): tenant.json accepts both issuers, each with its own key set, and the SPA logs in through the custom domain.',
      ),
    audience: z
      .string()
      .min(1)
      .max(600)
      .regex(
        ENV_SAFE,
        'must use only letters, digits and _ @ % + = : , . / - (it is written unquoted into backend.env and spa.env, which shells, Vite and docker --env-file read alike only without quotes), e.g. "https://api.example.com"',
      )
      .describe("The identifier of the shared API: the audience of every tenant's access tokens."),
    apiName: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^<>]+$/, 'must not contain < or >')
      .default('Tenants API')
      .describe('Display name of the shared API in Auth0.'),
    claimNamespace: z
      .string()
      .regex(
        /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~-]+)*\/$/,
        'must be an https:// URL of letters, digits, ".", "-", "_", "~" and "/", ending in "/", e.g. "https://saas.example.com/"',
      )
      .refine(
        (v) => !isReservedNamespace(v),
        'lies under a domain Auth0 reserves (auth0.com, webtask.io, webtask.run): Auth0 silently drops such claims; use your own domain',
      )
      .describe('Namespace of the tenant claim; the claim is <claimNamespace>tenant.'),
    requireClientGrant: z
      .boolean()
      .default(true)
      .describe(
        'Only applications holding a user client grant may get tokens for the API (Auth0 subject_type_authorization.user.policy = require_client_grant).',
      ),
    denyCrossTenantLogins: z
      .boolean()
      .default(true)
      .describe("The Action denies a login to a tenant's application unless the user's app_metadata.tenant is that tenant."),
    actionName: z.string().min(1).max(100).default('auth0-tenants-tenant-claim').describe('Name of the post-login Action that adds the tenant claim.'),
    application: z
      .object({
        name: z.string().min(1).max(100).default('{tenant}').describe('Application name; {tenant} is replaced by the tenant id.'),
        callbacks: z.array(urlTemplate).default([]).describe('Allowed callback URLs ({tenant} placeholders allowed).'),
        logoutUrls: z.array(urlTemplate).default([]).describe('Allowed logout URLs ({tenant} placeholders allowed).'),
        webOrigins: z.array(urlTemplate).default([]).describe('Allowed web origins ({tenant} placeholders allowed).'),
      })
      .strict()
      .default({ name: '{tenant}', callbacks: [], logoutUrls: [], webOrigins: [] }),
    applicationLimit: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe("Your Auth0 plan's application limit (10 free, 100 self-service, 100,000 enterprise); sync and create refuse to go past it."),
    outputDir: z.string().min(1).default('tenants/').describe('Where per-tenant files are written, relative to the config file.'),
    organizations: z
      .object({
        applicationName: z
          .string()
          .min(1)
          .max(100)
          .regex(/^[^<>]+$/, 'must not contain < or >')
          .default('Tenants SPA')
          .describe('Name of the one shared SPA application (strategy "organizations").'),
        requireBehavior: z
          .enum(['no_prompt', 'pre_login_prompt', 'post_login_prompt'])
          .default('no_prompt')
          .describe(
            "The shared application's organization_require_behavior: no_prompt (Auth0's default: the SPA always sends its organization, as spa.env says), pre_login_prompt (Auth0 asks for the organization's name first) or post_login_prompt (credentials first, then the organization).",
          ),
        loginUri: z
          .string()
          .regex(/^https:\/\/[^\s*{}]+$/, 'must be an https:// URL without wildcards or placeholders, e.g. "https://app.example.com/login"')
          .optional()
          .describe("The shared application's initiate_login_uri: where invitation links lead (Auth0 needs an https one for invitations)."),
        databaseConnection: z
          .string()
          .min(1)
          .default('Username-Password-Authentication')
          .describe("The database connection enabled in every tenant's organization (the one `users invite` creates people in)."),
        connections: z.array(z.string().min(1)).max(9).default([]).describe("Other connections enabled in every tenant's organization, by name."),
      })
      .strict()
      .default({ applicationName: 'Tenants SPA', requireBehavior: 'no_prompt', databaseConnection: 'Username-Password-Authentication', connections: [] })
      .describe('Settings of the "organizations" strategy (ignored by "applications").'),
  })
  .strict();

export type ProjectConfig = z.infer<typeof projectConfigSchema>;

export { CONFIG_FILE } from './config-file-name.js';
export const SCHEMA_FILE = 'tenants.config.schema.json';

/** The JSON Schema editors use to complete and check the config file. */
export function projectConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(projectConfigSchema, { io: 'input' }) as Record<string, unknown>;
}

export const tenantClaim = (config: Pick<ProjectConfig, 'claimNamespace'>): string => `${config.claimNamespace}tenant`;
export const fillTenant = (template: string, tenant: string): string => template.replaceAll('{tenant}', tenant);
