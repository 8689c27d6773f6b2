import type { ResourceServer } from '../auth0/resources.js';
import { ENV_SAFE, tenantClaim, type ProjectConfig } from './project-config.js';
import type { TenantSettingsV1, TenantSettingsV2 } from './tenant-settings-schema.js';
import { TenantsError } from './tenants-error.js';

/**
 * `tenant.json`: what the backend module and `verify-token` read. Its shape is a contract: schemaVersion 1 (one
 * issuer), or schemaVersion 2 when the project has a custom domain (both issuers, each with its key set).
 */
export type TenantSettings = TenantSettingsV1 | TenantSettingsV2Out;
type TenantSettingsV2Out = Omit<TenantSettingsV2, 'organization'> & { organization?: { id: string; name?: string; required?: boolean } };

/** The issuers a tenant.json accepts, and the applications. */
export const issuersOf = (settings: TenantSettings): { issuer: string; jwksUri: string }[] =>
  settings.schemaVersion === 1 ? [{ issuer: settings.issuer, jwksUri: settings.jwksUri }] : settings.issuers;
export const clientIdsOf = (settings: TenantSettings): string[] => (settings.schemaVersion === 1 ? [settings.clientId] : settings.clientIds);

/** Reads a template of templates/ by file name (the caller does the I/O: core has none). */
export type ReadTemplate = (name: string) => string;

/**
 * One emitted file: its name and how it is made. The registry below is the only place that knows the set:
 * adding a backend (another language, another framework) is one template in templates/ plus one entry here.
 */
export interface TenantFileTemplate {
  name: string;
  render(settings: TenantSettings, config: ProjectConfig, readTemplate: ReadTemplate): string;
}

export function tenantSettings(
  config: ProjectConfig,
  tenant: string,
  clientId: string,
  api: Pick<ResourceServer, 'token_dialect'> | undefined,
): TenantSettings {
  const rfc9068 = typeof api?.token_dialect === 'string' && api.token_dialect.startsWith('rfc9068_profile');
  const issuer = (domain: string) => ({ issuer: `https://${domain}/`, jwksUri: `https://${domain}/.well-known/jwks.json` });
  if (config.customDomain) {
    return {
      schemaVersion: 2,
      tenant,
      issuers: [issuer(config.domain), issuer(config.customDomain)],
      audience: config.audience,
      clientIds: [clientId],
      clientIdClaim: rfc9068 ? 'client_id' : 'azp',
      tenantClaim: tenantClaim(config),
      algorithms: ['RS256'],
      leewaySeconds: 30,
    };
  }
  return {
    schemaVersion: 1,
    tenant,
    ...issuer(config.domain),
    audience: config.audience,
    clientId,
    clientIdClaim: rfc9068 ? 'client_id' : 'azp',
    tenantClaim: tenantClaim(config),
    algorithms: ['RS256'],
    leewaySeconds: 30,
  };
}

/**
 * tenant.json for a tenant whose tokens come through its Auth0 organization (the organizations strategy, and the
 * dual state of a migration): schemaVersion 2, the accepted issuers (the custom domain's too), the accepted
 * applications (the shared one; during a migration also the tenant's own), and the organization whose `org_id`
 * tokens must carry (`required: false` during a migration: legacy tokens without `org_id` are accepted too).
 */
export function organizationTenantSettings(
  config: ProjectConfig,
  tenant: string,
  options: { organizationId: string; organizationName?: string; clientIds: string[]; required?: boolean },
  api: Pick<ResourceServer, 'token_dialect'> | undefined,
): TenantSettings {
  const rfc9068 = typeof api?.token_dialect === 'string' && api.token_dialect.startsWith('rfc9068_profile');
  const issuer = (domain: string) => ({ issuer: `https://${domain}/`, jwksUri: `https://${domain}/.well-known/jwks.json` });
  return {
    schemaVersion: 2,
    tenant,
    issuers: config.customDomain ? [issuer(config.domain), issuer(config.customDomain)] : [issuer(config.domain)],
    audience: config.audience,
    clientIds: options.clientIds,
    organization: {
      id: options.organizationId,
      ...(options.organizationName ? { name: options.organizationName } : {}),
      required: options.required ?? true,
    },
    clientIdClaim: rfc9068 ? 'client_id' : 'azp',
    tenantClaim: tenantClaim(config),
    algorithms: ['RS256'],
    leewaySeconds: 30,
  };
}

/**
 * `KEY=value`, never quoted: a shell would expand `$()` inside double quotes, `docker --env-file` keeps quotes
 * as part of the value. Every value is checked to need no quoting (the config schema refuses others earlier).
 */
function envLine(key: string, value: string | number): string {
  const text = String(value);
  if (!ENV_SAFE.test(text)) {
    throw new TenantsError('usage', 'env_value_unsafe', `${key} would be ${JSON.stringify(text)}, which .env readers disagree on (spaces, quotes, $ or #).`, {
      hint: 'Use only letters, digits and _ @ % + = : , . / - in the audience and claim namespace of tenants.config.json.',
    });
  }
  return `${key}=${text}`;
}

const header = (settings: TenantSettings, what: string) =>
  `# ${what} for tenant "${settings.tenant}". Generated by auth0-tenants; re-generate with: tenants emit ${settings.tenant}\n# Contains no secrets.\n`;

/** The emitted files, in the order they are written and listed. */
export const TENANT_FILE_TEMPLATES: readonly TenantFileTemplate[] = [
  { name: 'tenant.json', render: (settings) => `${JSON.stringify(settings, null, 2)}\n` },
  {
    name: 'backend.env',
    render: (settings) =>
      header(settings, 'Backend token settings') +
      [
        envLine('TENANT_AUTH_TENANT', settings.tenant),
        ...(settings.schemaVersion === 1
          ? [envLine('TENANT_AUTH_ISSUER', settings.issuer), envLine('TENANT_AUTH_JWKS_URI', settings.jwksUri)]
          : [
              envLine('TENANT_AUTH_ISSUERS', settings.issuers.map((i) => i.issuer).join(',')),
              envLine('TENANT_AUTH_JWKS_URIS', settings.issuers.map((i) => i.jwksUri).join(',')),
            ]),
        envLine('TENANT_AUTH_AUDIENCE', settings.audience),
        settings.schemaVersion === 1 ? envLine('TENANT_AUTH_CLIENT_ID', settings.clientId) : envLine('TENANT_AUTH_CLIENT_IDS', settings.clientIds.join(',')),
        ...(settings.schemaVersion === 2 && settings.organization ? [envLine('TENANT_AUTH_ORGANIZATION_ID', settings.organization.id)] : []),
        envLine('TENANT_AUTH_CLIENT_ID_CLAIM', settings.clientIdClaim),
        envLine('TENANT_AUTH_TENANT_CLAIM', settings.tenantClaim),
        envLine('TENANT_AUTH_ALGORITHMS', settings.algorithms.join(',')),
        envLine('TENANT_AUTH_LEEWAY_SECONDS', settings.leewaySeconds),
      ].join('\n') +
      '\n',
  },
  {
    name: 'spa.env',
    render: (settings, config) =>
      header(settings, 'Single-page app settings') +
      '# Always pass the audience: without it Auth0 returns an opaque access token, not a JWT the backend can check.\n' +
      '# No scope: @auth0/auth0-spa-js asks for "openid profile email" by default.\n' +
      [
        envLine('VITE_AUTH0_DOMAIN', config.customDomain ?? config.domain),
        envLine('VITE_AUTH0_CLIENT_ID', clientIdsOf(settings)[0]!),
        // The organization only when tokens must carry it: during a migration (`required: false`) the SPA still logs in
        // through the tenant's own application (the first client id), which takes no organization parameter.
        ...(settings.schemaVersion === 2 && settings.organization && settings.organization.required !== false
          ? [envLine('VITE_AUTH0_ORGANIZATION', settings.organization.id)]
          : []),
        envLine('VITE_AUTH0_AUDIENCE', settings.audience),
      ].join('\n') +
      '\n',
  },
  /** FastAPI / PyJWT: `Depends(require_tenant)`; reads the tenant.json beside it. */
  { name: 'tenant_auth.py', render: (_settings, _config, read) => read('tenant_auth.py') },
  /** Express: `app.get(path, requireTenant, handler)` over the package's auth0-tenants/express; reads the tenant.json beside it. */
  { name: 'tenant_auth.mjs', render: (_settings, _config, read) => read('tenant_auth.mjs') },
];

export const TENANT_FILES: readonly string[] = TENANT_FILE_TEMPLATES.map((t) => t.name);

/** The files emitted for one tenant, by name. No secrets: an SPA is a public client. */
export function renderTenantFiles(settings: TenantSettings, config: ProjectConfig, readTemplate: ReadTemplate): Record<string, string> {
  return Object.fromEntries(TENANT_FILE_TEMPLATES.map((t) => [t.name, t.render(settings, config, readTemplate)]));
}
