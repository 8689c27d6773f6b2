/**
 * auth0-tenants: post-login Action that puts the user's tenant into the tokens and keeps users out of
 * other tenants' applications.
 *
 * Managed by `tenants init`: edits made in the Auth0 dashboard are overwritten on the next run.
 * The tenant comes from the user's app_metadata (only the Management API can write it, not the user).
 * It is added as a namespaced custom claim to both the access token and the ID token. When the guard is
 * on, a login to an application of ours (client_metadata.tenants_managed_by = "auth0-tenants", with
 * client_metadata.tenant) is denied unless the user belongs to that same tenant; other teams'
 * applications are not guarded, whatever their metadata says.
 */
const TENANT_CLAIM = '__TENANT_CLAIM__';
const OWNER_KEY = 'tenants_managed_by';
const OWNER_VALUE = 'auth0-tenants';
const DENY_CROSS_TENANT = __DENY_CROSS_TENANT__;

exports.onExecutePostLogin = async (event, api) => {
  const appMetadata = event.user.app_metadata || {};
  const tenant = typeof appMetadata.tenant === 'string' && appMetadata.tenant.length > 0 ? appMetadata.tenant : undefined;
  const clientMetadata = (event.client && event.client.metadata) || {};
  const ours = clientMetadata[OWNER_KEY] === OWNER_VALUE;
  const appTenant = ours && typeof clientMetadata.tenant === 'string' && clientMetadata.tenant.length > 0 ? clientMetadata.tenant : undefined;
  if (DENY_CROSS_TENANT && appTenant !== undefined && tenant !== appTenant) {
    api.access.deny(tenant === undefined
      ? `This account belongs to no tenant; this application is for tenant "${appTenant}".`
      : `This account belongs to tenant "${tenant}", not to tenant "${appTenant}".`);
    return;
  }
  if (tenant === undefined) return;
  api.accessToken.setCustomClaim(TENANT_CLAIM, tenant);
  api.idToken.setCustomClaim(TENANT_CLAIM, tenant);
};
