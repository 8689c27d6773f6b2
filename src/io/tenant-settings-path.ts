import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_FILE } from '../core/config-file-name.js';
import { loadConfig } from './config-file.js';

/**
 * `<outputDir>/<tenant>/tenant.json`, with outputDir from tenants.config.json when there is one (a malformed
 * one is a usage error naming the field, exit 2); `tenants/` otherwise.
 */
export function tenantSettingsPath(cwd: string, tenant: string): string {
  if (!existsSync(resolve(cwd, CONFIG_FILE))) return join(cwd, 'tenants', tenant, 'tenant.json');
  return join(loadConfig(cwd).outputDir, tenant, 'tenant.json');
}
