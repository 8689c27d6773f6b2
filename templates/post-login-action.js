/**
 * auth0-tenants: post-login Action that puts the user's tenant into the tokens.
 *
 * Managed by `tenants init`: edits made in the Auth0 dashboard are overwritten on the next run.
 * The tenant comes from the user's app_metadata (only the Management API can write it, not the user),
 * and is added as a namespaced custom claim to both the access token and the ID token.
 */
const TENANT_CLAIM = '__TENANT_CLAIM__';

exports.onExecutePostLogin = async (event, api) => {
  const appMetadata = event.user.app_metadata || {};
  const tenant = appMetadata.tenant;
  if (typeof tenant !== 'string' || tenant.length === 0) return;
  api.accessToken.setCustomClaim(TENANT_CLAIM, tenant);
  api.idToken.setCustomClaim(TENANT_CLAIM, tenant);
};
