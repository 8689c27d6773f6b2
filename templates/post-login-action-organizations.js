/**
 * auth0-tenants: post-login Action that puts the tenant of the user's organization into the tokens
 * (organizations strategy).
 *
 * Managed by `tenants init`: edits made in the Auth0 dashboard are overwritten on the next run.
 * A login through an organization of ours (organization metadata tenants_managed_by = "auth0-tenants", with
 * metadata.tenant) gets that tenant as a namespaced custom claim in the access token and the ID token, for
 * every member whatever their app_metadata says (Auth0 itself puts org_id in the tokens; Actions cannot set it).
 * A login to this project's shared application (client_metadata tenants_role = "organizations-app") without an
 * organization of ours is denied. Other teams' applications and organizations are left alone.
 * With LEGACY_APPLICATIONS (the dual state of `tenants migrate to-organizations`), logins to the per-tenant
 * applications keep working as before: the tenant from app_metadata, checked against the application's tag.
 */
const TENANT_CLAIM = '__TENANT_CLAIM__';
const OWNER_KEY = 'tenants_managed_by';
const OWNER_VALUE = 'auth0-tenants';
const SHARED_APP_ROLE = 'organizations-app';
const SHARED_APP_API = '__SHARED_APP_API__';
const LEGACY_APPLICATIONS = __LEGACY_APPLICATIONS__;
const DENY_CROSS_TENANT = __DENY_CROSS_TENANT__;

const text = (value) => (typeof value === 'string' && value.length > 0 ? value : undefined);

exports.onExecutePostLogin = async (event, api) => {
  const org = event.organization;
  const orgMetadata = (org && org.metadata) || {};
  const orgTenant = org && orgMetadata[OWNER_KEY] === OWNER_VALUE && text(orgMetadata.tenant) === org.name ? text(orgMetadata.tenant) : undefined;
  const clientMetadata = (event.client && event.client.metadata) || {};
  const ours = clientMetadata[OWNER_KEY] === OWNER_VALUE;
  const sharedApp = ours && clientMetadata.tenants_role === SHARED_APP_ROLE && clientMetadata.tenants_api === SHARED_APP_API;
  if (orgTenant !== undefined) {
    api.accessToken.setCustomClaim(TENANT_CLAIM, orgTenant);
    api.idToken.setCustomClaim(TENANT_CLAIM, orgTenant);
    return;
  }
  if (sharedApp) {
    api.access.deny(org ? `Organization "${org.name}" is not a tenant of this application.` : 'Log in through your organization (tenant).');
    return;
  }
  if (!LEGACY_APPLICATIONS) return;
  const appMetadata = event.user.app_metadata || {};
  const tenant = text(appMetadata.tenant);
  const appTenant = ours ? text(clientMetadata.tenant) : undefined;
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
