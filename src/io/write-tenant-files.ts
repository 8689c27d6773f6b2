import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderTenantFiles, type TenantSettings } from '../core/tenant-files.js';
import type { ProjectConfig } from '../core/project-config.js';
import { TenantsError } from '../core/tenants-error.js';
import { readTemplate } from './templates.js';
import { writeFileAtomic, type WriteOutcome } from './write-file-atomic.js';

/**
 * Beside a tenant's files, what we last wrote (sha256 per file name): a file whose bytes no longer match
 * was edited by hand and is not overwritten without --force.
 */
export const WRITTEN_RECORD = '.tenants-written.json';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function readRecord(dir: string): Record<string, string> {
  try {
    const value = JSON.parse(readFileSync(join(dir, WRITTEN_RECORD), 'utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The tenant's emitted files whose bytes changed since we wrote them (a missing file is not "edited"). */
export function editedFiles(outputDir: string, tenant: string): string[] {
  const dir = join(outputDir, tenant);
  return Object.entries(readRecord(dir))
    .filter(([name, hash]) => {
      try {
        return sha256(readFileSync(join(dir, name), 'utf8')) !== hash;
      } catch {
        return false; // gone: it is written again
      }
    })
    .map(([name]) => name);
}

/** Refuses (exit 2, nothing written or sent) when one of the tenant's emitted files was edited since we wrote it. */
export function assertFilesNotEdited(outputDir: string, tenant: string): void {
  const dir = join(outputDir, tenant);
  for (const name of editedFiles(outputDir, tenant)) {
    {
      throw new TenantsError('usage', 'file_edited', `${join(dir, name)} was edited by hand since tenants wrote it; nothing was changed.`, {
        hint: `Keep your edits elsewhere and pass --force to overwrite it (tenants emit ${tenant} --force), or remove the file.`,
        details: { file: join(dir, name), tenant },
      });
    }
  }
}

/**
 * Writes `<outputDir>/<tenant>/*` atomically; files whose bytes are already right are left alone, and a
 * file's mode (e.g. chmod 600) is kept when it is rewritten. Callers check assertFilesNotEdited first.
 */
export function writeTenantFiles(outputDir: string, settings: TenantSettings, config: ProjectConfig): Record<string, WriteOutcome> {
  const dir = join(outputDir, settings.tenant);
  const outcomes: Record<string, WriteOutcome> = {};
  const record: Record<string, string> = {};
  for (const [name, content] of Object.entries(renderTenantFiles(settings, config, readTemplate))) {
    const path = join(dir, name);
    outcomes[name] = writeFileAtomic(path, content, modeOf(path));
    record[name] = sha256(content);
  }
  writeFileAtomic(join(dir, WRITTEN_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return outcomes;
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** "wrote tenant.json, spa.env" or "files unchanged", for a person reading the result. */
export function describeWrites(outcomes: Record<string, WriteOutcome>): string {
  const written = Object.entries(outcomes)
    .filter(([, o]) => o !== 'unchanged')
    .map(([name]) => name);
  return written.length ? `wrote ${written.join(', ')}` : 'files unchanged';
}
