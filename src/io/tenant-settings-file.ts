import { readFileSync } from 'node:fs';
import { describeZodError } from '../core/describe-zod-error.js';
import { tenantSettingsSchema, type VerifierSettings } from '../core/tenant-settings-schema.js';
import { TenantsError } from '../core/tenants-error.js';

/** Reads and checks a tenant.json; a problem names the field. */
export function readTenantSettings(path: string): VerifierSettings {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TenantsError('usage', 'settings_invalid', missing ? `No tenant settings at ${path}.` : `${path} is not valid JSON.`, {
      hint: missing ? 'Run `tenants emit <tenant>` to write it, or pass --config <path to tenant.json>.' : 'Re-generate it with `tenants emit <tenant>`.',
    });
  }
  const parsed = tenantSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const { field, problem } = describeZodError(parsed.error);
    throw new TenantsError('usage', 'settings_invalid', `${path}: field "${field}" ${problem}.`, { hint: 'Re-generate it with `tenants emit <tenant>`.' });
  }
  return parsed.data;
}
