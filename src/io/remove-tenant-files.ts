import { rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TENANT_FILES } from '../core/tenant-files.js';
import { OVERRIDES_RECORD } from './tenant-overrides-file.js';
import { WRITTEN_RECORD } from './write-tenant-files.js';

/** Removes the files we emit for a tenant (and Python's cache of the module), then the folder if empty. */
export function removeTenantFiles(outputDir: string, tenant: string): void {
  const dir = join(outputDir, tenant);
  for (const name of [...TENANT_FILES, WRITTEN_RECORD, OVERRIDES_RECORD]) rmSync(join(dir, name), { force: true });
  rmSync(join(dir, '__pycache__'), { recursive: true, force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's files) or already gone: leave it
  }
}
