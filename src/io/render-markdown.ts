interface Row {
  kind: string;
  name: string;
  action: string;
  id: string;
  detail: string;
}

/** Rows above this many in one table are collapsed under <details>. */
const LONG = 20;
const KINDS: Record<string, string> = {
  application: 'Applications',
  'client-grant': 'Client grants',
  api: 'API',
  action: 'Action',
  binding: 'Post-login binding',
  files: 'Files',
  users: 'Users',
  lease: 'Lease',
};
const SIGN: Record<string, string> = {
  create: '➕ create',
  update: '🔧 update',
  delete: '🗑️ delete',
  unchanged: 'unchanged',
  absent: '❔ not in the manifest',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
};

const PAST: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted' };
const cell = (value: unknown): string =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
type Doc = Record<string, unknown>;
const list = (value: unknown): Doc[] => (Array.isArray(value) ? (value as Doc[]) : []);
const words = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : '');

/** Plan items of `sync --dry-run`, outcomes of `sync`, steps of `create` and `init`: one row per resource. */
function rowsOf(doc: Doc): Row[] {
  const rows: Row[] = [];
  const step = (s: Doc, tenant?: unknown) => {
    const owner = s['tenant'] ?? tenant;
    // A shared resource (API, Action, binding) is named by its detail (identifier, name, trigger).
    rows.push({
      kind: String(s['resource']),
      name: String(owner ?? s['detail'] ?? ''),
      action: String(s['action']),
      id: String(s['id'] ?? ''),
      detail: [words(s['changes']), owner === undefined ? '' : (s['detail'] ?? '')].filter(Boolean).join('; '),
    });
  };
  list(doc['steps']).forEach((s) => step(s));
  for (const item of list(doc['items'])) {
    const prune = doc['prune'] === true;
    const action = item['action'] === 'absent' && prune ? 'delete' : String(item['action']);
    const duplicates = list(item['duplicates']) as unknown as string[];
    rows.push({
      kind: item['organizationId'] !== undefined ? 'organization' : 'application',
      name: String(item['tenant']),
      action,
      id: String(item['clientId'] ?? item['organizationId'] ?? ''),
      detail: [words(item['changes']), item['action'] === 'absent' && !prune ? '`--prune` deletes it' : ''].filter(Boolean).join('; '),
    });
    for (const id of duplicates)
      rows.push({ kind: 'application', name: String(item['tenant']), action: 'delete', id, detail: `duplicate of ${String(item['clientId'])}` });
    if (item['grantMissing'] === true) rows.push({ kind: 'client-grant', name: String(item['tenant']), action: 'create', id: '', detail: '' });
  }
  for (const tenant of list(doc['tenants'])) {
    if (Array.isArray(tenant['steps'])) list(tenant['steps']).forEach((s) => step(s, tenant['tenant']));
    else {
      const status = String(tenant['status'] ?? 'done');
      const error = tenant['error'] as Doc | undefined;
      rows.push({
        kind: tenant['organizationId'] !== undefined ? 'organization' : 'application',
        name: String(tenant['tenant']),
        action: status === 'done' ? String(tenant['action']) : status,
        id: String(tenant['clientId'] ?? tenant['organizationId'] ?? ''),
        detail: error
          ? `[${String(error['code'])}] ${String(error['message'])}`
          : status === 'done' || tenant['action'] === 'unchanged'
            ? ''
            : String(tenant['action']),
      });
    }
  }
  return rows;
}

function table(rows: Row[]): string[] {
  return [
    '| | action | id | details |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.name)} | ${cell(SIGN[r.action] ?? r.action)} | ${r.id ? `\`${cell(r.id)}\`` : ''} | ${cell(r.detail)} |`),
  ];
}

const collapsed = (summary: string, body: string[]): string[] => ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];

/**
 * A plan or a result as GitHub-flavoured markdown, for a pull-request comment: a heading with the counts,
 * then a table per resource kind; unchanged resources, and any table longer than 20 rows, are collapsed
 * under <details>. Rendered from the same document `--json` prints, so both always agree.
 */
export function renderMarkdown(command: string, doc: Doc): string {
  const dryRun = doc['dryRun'] === true;
  const rows = rowsOf(doc);
  const counted = new Map<string, number>();
  for (const r of rows.filter((x) => x.action !== 'unchanged')) counted.set(`${r.action} ${r.kind}`, (counted.get(`${r.action} ${r.kind}`) ?? 0) + 1);
  const counts =
    [...counted]
      .map(([key, n]) => {
        const [action, kind] = key.split(' ') as [string, string];
        const verb = action === 'absent' ? 'not in the manifest' : dryRun ? `to ${action}` : (PAST[action] ?? action);
        return `${n} ${(KINDS[kind] ?? kind).toLowerCase()} ${verb}`;
      })
      .join(', ') || 'nothing changed';
  const pending = rows.some((r) => !['unchanged', 'absent'].includes(r.action));
  const title = dryRun ? `### \`tenants ${command}\` plan: ${pending ? counts : 'no changes'}` : `### \`tenants ${command}\` result: ${counts}`;
  const out = [title, ''];
  for (const kind of [...new Set(rows.map((r) => r.kind))]) {
    const mine = rows.filter((r) => r.kind === kind);
    const changed = mine.filter((r) => r.action !== 'unchanged');
    const unchanged = mine.filter((r) => r.action === 'unchanged');
    out.push(`#### ${KINDS[kind] ?? kind}`, '');
    if (changed.length > LONG) out.push(...collapsed(`${changed.length} to change`, table(changed)), '');
    else if (changed.length) out.push(...table(changed), '');
    if (unchanged.length) out.push(...collapsed(`${unchanged.length} unchanged`, table(unchanged)), '');
  }
  const seconds = doc['seconds'];
  const requests = doc['requests'] as Record<string, number> | undefined;
  if (!dryRun && requests)
    out.push(
      `<sub>${Object.values(requests).reduce((a, b) => a + b, 0)} Management API requests${typeof seconds === 'number' ? ` in ${seconds} s` : ''}.</sub>`,
    );
  // Ends with a blank line, so that plans appended to one comment stay apart.
  return `${out.join('\n').trimEnd()}\n`;
}
