import { tenantClaim, type ProjectConfig } from './project-config.js';

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
