import { tenantClaim, type ProjectConfig } from './project-config.js';
import { apiKeyOf } from './shared-application.js';

/**
 * How our Action's code begins (templates/post-login-action.js). An Action with our name is ours only if
 * its code carries this header; `init` never overwrites someone else's Action of the same name.
 */
export const ACTION_HEADER = '/**\n * auth0-tenants: post-login Action';

export const isOurActionCode = (code: string | undefined): boolean => typeof code === 'string' && code.startsWith(ACTION_HEADER);

/**
 * The Action's source with the claim name (as a JS string literal, so any namespace is safe) and the guard
 * switch filled in. The replacements are functions: a namespace containing `$&`, `` $` `` or `$'` is
 * inserted as written, never read as a String.replace pattern.
 */
export function renderActionCode(template: string, claim: string, denyCrossTenant = true): string {
  const literal = JSON.stringify(claim).slice(1, -1).replaceAll("'", "\\'");
  return template.replace('__TENANT_CLAIM__', () => literal).replace('__DENY_CROSS_TENANT__', () => (denyCrossTenant ? 'true' : 'false'));
}

export const actionCodeFor = (template: string, config: Pick<ProjectConfig, 'claimNamespace' | 'denyCrossTenantLogins'>): string =>
  renderActionCode(template, tenantClaim(config), config.denyCrossTenantLogins);

/** The Action's modes: one per strategy, and `dual` for a project between the two (`tenants migrate to-organizations`). */
export type ActionMode = 'applications' | 'organizations' | 'dual';

/** The template each mode is rendered from (templates/). */
export const ACTION_TEMPLATES: Record<ActionMode, string> = {
  applications: 'post-login-action.js',
  organizations: 'post-login-action-organizations.js',
  dual: 'post-login-action-organizations.js',
};

/**
 * The Action's code for a mode. `organizations`: the claim from `event.organization` when its metadata carries
 * our marker; logins to the shared application without an organization of ours denied. `dual`: the same, and
 * logins to the per-tenant applications as in `applications` (app_metadata, the cross-tenant guard).
 */
export function actionCodeForMode(
  readTemplate: (name: string) => string,
  config: Pick<ProjectConfig, 'claimNamespace' | 'denyCrossTenantLogins' | 'audience'>,
  mode: ActionMode,
): string {
  const code = actionCodeFor(readTemplate(ACTION_TEMPLATES[mode]), config);
  if (mode === 'applications') return code;
  const api = JSON.stringify(apiKeyOf(config.audience)).slice(1, -1).replaceAll("'", "\\'");
  return code.replace('__SHARED_APP_API__', () => api).replace('__LEGACY_APPLICATIONS__', () => (mode === 'dual' ? 'true' : 'false'));
}
