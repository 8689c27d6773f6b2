import { ok, type Handlers, type Tenant } from './handler.js';
import type { Entity } from '../state.js';

/** The tenant settings the emulator keeps (it honours `allow_organization_name_in_authentication_api`). */
export function tenantSettings(tenant: Tenant): Entity {
  return (tenant.state.data.tenantSettings ??= { allow_organization_name_in_authentication_api: false });
}

/** Whether `/authorize?organization=` takes names, and tokens carry `org_name` (Auth0's tenant setting). */
export const organizationNamesAllowed = (tenant: Tenant): boolean => tenantSettings(tenant)['allow_organization_name_in_authentication_api'] === true;

export const tenantSettingsHandlers: Handlers = {
  tenant_settings_route: ({ tenant }) => ok({ ...tenantSettings(tenant) }),
  patch_settings: ({ tenant, body = {} }) => {
    const settings = tenantSettings(tenant);
    // The emulator stores what it is sent (the spec has validated it) and acts on the organization-name flag only.
    Object.assign(settings, body);
    tenant.state.commit();
    return ok({ ...settings });
  },
};
