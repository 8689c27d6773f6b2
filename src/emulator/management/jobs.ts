import { gzipSync } from 'node:zlib';
import { ApiError } from '../api-error.js';
import { newId, nowIso, type Entity } from '../state.js';
import { ok, type Handlers, type Tenant } from './handler.js';
import { DATABASE_CONNECTION } from './users.js';

/** How long an export job stays `pending` before its file is ready. */
const EXPORT_MS = 200;
export const EXPORT_PATH = '/__emulator/exports/';

function valueAt(user: Entity, path: string): unknown {
  let node: unknown = user;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The export file as Auth0 makes it for format `json`: one JSON object per line, gzip-compressed. */
function exportFile(tenant: Tenant, job: Entity): Buffer {
  const fields = (job['fields'] as { name: string; export_as?: string }[] | undefined) ?? [{ name: 'user_id' }, { name: 'email' }];
  const limit = typeof job['limit'] === 'number' ? job['limit'] : Infinity;
  const users = Object.values(tenant.state.data.users).slice(0, limit);
  const lines = users.map((user) =>
    JSON.stringify(Object.fromEntries(fields.map((f) => [f.export_as ?? f.name, valueAt(user, f.name)] as const).filter(([, v]) => v !== undefined))),
  );
  if (job['format'] === 'csv') {
    const header = fields.map((f) => f.export_as ?? f.name).join(',');
    const rows = users.map((u) => fields.map((f) => JSON.stringify(valueAt(u, f.name) ?? '')).join(','));
    return gzipSync([header, ...rows].join('\n') + '\n');
  }
  return gzipSync(lines.join('\n') + (lines.length ? '\n' : ''));
}

/** A users export job (POST /jobs/users-exports, then GET /jobs/{id} until completed, then the file at `location`). */
export const jobHandlers: Handlers = {
  'post_users-exports': ({ tenant, body = {} }) => {
    const jobs = (tenant.jobs ??= new Map());
    const job: Entity = {
      type: 'users_export',
      status: 'pending',
      format: body['format'] ?? 'csv',
      ...(body['limit'] !== undefined ? { limit: body['limit'] } : {}),
      fields: body['fields'] ?? [],
      connection_id: body['connection_id'] ?? 'con_0000000000000001',
      connection: DATABASE_CONNECTION,
      created_at: nowIso(),
      id: `job_${newId(12).slice(0, 16)}`,
    };
    jobs.set(String(job['id']), { job, readyAt: Date.now() + EXPORT_MS });
    return ok(job, 201);
  },
  get_jobs_by_id: ({ tenant, params }) => {
    const entry = tenant.jobs?.get(params['id'] ?? '');
    if (!entry) throw new ApiError(404, 'inexistent_job', 'The job does not exist.');
    if (entry.job['status'] === 'pending' && Date.now() >= entry.readyAt) {
      entry.file = exportFile(tenant, entry.job);
      entry.job['status'] = 'completed';
      entry.job['location'] = `https://${tenant.domain}${EXPORT_PATH}${String(entry.job['id'])}.${entry.job['format'] === 'json' ? 'json' : 'csv'}.gz`;
    }
    return ok(entry.job);
  },
};

/** The export file's download (a pre-signed URL on Auth0: no bearer token needed). */
export function exportDownload(tenant: Tenant, path: string): Buffer | undefined {
  const id = path.slice(EXPORT_PATH.length).replace(/\.(json|csv)\.gz$/, '');
  return tenant.jobs?.get(id)?.file;
}
