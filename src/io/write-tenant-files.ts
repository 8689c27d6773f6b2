import { join } from 'node:path';
import { renderTenantFiles, type TenantSettings } from '../core/tenant-files.js';
import type { ProjectConfig } from '../core/project-config.js';
import { readTemplate } from './templates.js';
import { writeFileAtomic, type WriteOutcome } from './write-file-atomic.js';

/** Writes `<outputDir>/<tenant>/*` atomically; files whose bytes are already right are left alone. */
export function writeTenantFiles(outputDir: string, settings: TenantSettings, config: ProjectConfig): Record<string, WriteOutcome> {
  const outcomes: Record<string, WriteOutcome> = {};
  for (const [name, content] of Object.entries(renderTenantFiles(settings, config, { tenantAuthPy: readTemplate('tenant_auth.py') }))) {
    outcomes[name] = writeFileAtomic(join(outputDir, settings.tenant, name), content);
  }
  return outcomes;
}

/** "wrote tenant.json, spa.env" or "files unchanged", for a person reading the result. */
export function describeWrites(outcomes: Record<string, WriteOutcome>): string {
  const written = Object.entries(outcomes).filter(([, o]) => o !== 'unchanged').map(([name]) => name);
  return written.length ? `wrote ${written.join(', ')}` : 'files unchanged';
}
