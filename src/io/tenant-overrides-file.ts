import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplicationOverrides } from '../core/desired-state.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Beside a tenant's files, the per-tenant replacements of the config's application defaults that the last
 * `sync` (from its manifest) or `create` applied: the one per-tenant settings source, read by `create` and
 * `doctor` too, so all three agree on what the application should look like.
 */
export const OVERRIDES_RECORD = '.tenants-application.json';

const FIELDS = ['name', 'callbacks', 'logoutUrls', 'webOrigins'] as const;

/** The tenant's recorded overrides; none when there is no record (or it is unreadable: the config's defaults apply). */
export function readTenantOverrides(outputDir: string, tenant: string): ApplicationOverrides {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(outputDir, tenant, OVERRIDES_RECORD), 'utf8'));
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const overrides: ApplicationOverrides = {};
  if (typeof record['name'] === 'string') overrides.name = record['name'];
  for (const key of ['callbacks', 'logoutUrls', 'webOrigins'] as const) {
    const list = record[key];
    if (Array.isArray(list) && list.every((v) => typeof v === 'string')) overrides[key] = list as string[];
  }
  return overrides;
}

/** Records what was applied (an empty record when the config's defaults apply). */
export function writeTenantOverrides(outputDir: string, tenant: string, overrides: ApplicationOverrides): void {
  const kept = Object.fromEntries(FIELDS.filter((k) => overrides[k] !== undefined).map((k) => [k, overrides[k]]));
  writeFileAtomic(join(outputDir, tenant, OVERRIDES_RECORD), `${JSON.stringify(kept, null, 2)}\n`);
}
