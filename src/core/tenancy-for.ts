import { applicationTenancy } from './application-tenancy.js';
import { organizationTenancy } from './organization-tenancy.js';
import type { ProjectConfig } from './project-config.js';
import type { Tenancy } from './tenancy.js';

/** The strategy the config selects (`strategy`, default `applications`). */
export function tenancyFor(config: Pick<ProjectConfig, 'strategy'>): Tenancy {
  switch (config.strategy) {
    case 'applications':
      return applicationTenancy;
    case 'organizations':
      return organizationTenancy;
  }
}
