import { tenantClaim, type ProjectConfig } from './project-config.js';

/** The Action's source with the claim name (as a JS string literal, so any namespace is safe) and the guard switch filled in. */
export function renderActionCode(template: string, claim: string, denyCrossTenant = true): string {
  const literal = JSON.stringify(claim).slice(1, -1).replaceAll("'", "\\'");
  return template.replace('__TENANT_CLAIM__', literal).replace('__DENY_CROSS_TENANT__', denyCrossTenant ? 'true' : 'false');
}

export const actionCodeFor = (template: string, config: Pick<ProjectConfig, 'claimNamespace' | 'denyCrossTenantLogins'>): string =>
  renderActionCode(template, tenantClaim(config), config.denyCrossTenantLogins);
