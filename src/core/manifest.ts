import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { describeZodError } from './describe-zod-error.js';
import { TENANT_ID_PATTERN } from './tenant-id.js';
import { TenantsError } from './tenants-error.js';

const url = z
  .string()
  .min(1)
  .refine((v) => {
    try {
      new URL(v.replace(/\*/g, 'x'));
      return true;
    } catch {
      return false;
    }
  }, 'must be an absolute URL');

/** One tenant of a manifest, with optional overrides of the config's application defaults. */
export const manifestEntrySchema = z
  .object({
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 1 to 63 lower-case letters, digits and inner hyphens'),
    name: z.string().min(1).max(100).optional(),
    callbacks: z.array(url).optional(),
    logoutUrls: z.array(url).optional(),
    webOrigins: z.array(url).optional(),
  })
  .strict();

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;
export type ManifestFormat = 'yaml' | 'json' | 'csv';

const CSV_COLUMNS: Record<string, keyof ManifestEntry> = {
  tenant: 'tenant',
  name: 'name',
  callbacks: 'callbacks',
  logouturls: 'logoutUrls',
  logout_urls: 'logoutUrls',
  weborigins: 'webOrigins',
  web_origins: 'webOrigins',
};

export function formatOf(path: string): ManifestFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.json$/i.test(path)) return 'json';
  return 'yaml';
}

const bad = (line: number | undefined, problem: string) =>
  new TenantsError('usage', 'manifest_invalid', `Manifest${line ? ` line ${line}` : ''}: ${problem}.`, {
    hint: 'Fix the manifest; nothing was sent to Auth0.',
    details: line ? { line } : {},
  });

/**
 * Reads a manifest (YAML, JSON or CSV) into entries, or refuses it with the line of the first bad row,
 * before anything is sent. YAML/JSON: a list of tenant ids or objects, at the top or under `tenants:`.
 * CSV: a header row with a `tenant` column; list cells are separated by spaces or semicolons.
 */
export function parseManifest(text: string, format: ManifestFormat): ManifestEntry[] {
  const rows = format === 'csv' ? csvRows(text) : yamlRows(text);
  const seen = new Map<string, number>();
  return rows.map(({ value, line }) => {
    const parsed = manifestEntrySchema.safeParse(typeof value === 'string' ? { tenant: value } : value);
    if (!parsed.success) {
      const { field, problem } = describeZodError(parsed.error);
      throw bad(line, `${field === '(root)' ? 'entry' : `"${field}"`} ${problem}`);
    }
    const first = seen.get(parsed.data.tenant);
    if (first !== undefined) throw bad(line, `tenant "${parsed.data.tenant}" is listed twice (first on line ${first})`);
    seen.set(parsed.data.tenant, line);
    return parsed.data;
  });
}

function yamlRows(text: string): { value: unknown; line: number }[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const error = doc.errors[0];
  if (error) throw bad(error.linePos?.[0]?.line, error.message.split('\n')[0] ?? 'not valid YAML or JSON');
  let list: Node | null | undefined = doc.contents as Node | null;
  if (isMap(list)) list = list.get('tenants', true) as Node | undefined;
  if (!isSeq(list)) throw bad(1, 'expected a list of tenants (or a "tenants:" list)');
  return list.items.map((item) => {
    const node = item as Node;
    const line = node.range ? lineCounter.linePos(node.range[0]).line : 1;
    return { value: isScalar(node) ? node.value : node.toJSON(), line };
  });
}

function csvRows(text: string): { value: unknown; line: number }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true }) as typeof records;
  } catch (error) {
    throw bad((error as { lines?: number }).lines, (error as Error).message);
  }
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const columns = header.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (!columns.includes('tenant')) throw bad(1, 'the header has no "tenant" column');
  for (const column of columns)
    if (!CSV_COLUMNS[column.toLowerCase()]) throw bad(1, `unknown column "${column}" (known: tenant, name, callbacks, logoutUrls, webOrigins)`);
  return records.map(({ record, info }) => {
    const value: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      const key = CSV_COLUMNS[column.toLowerCase()]!;
      if (cell === '') continue;
      value[key] = key === 'tenant' || key === 'name' ? cell : cell.split(/[\s;]+/).filter(Boolean);
    }
    return { value, line: info.lines };
  });
}
