import type { ChalkInstance } from 'chalk';
import type { SyncOutcome } from '../core/sync-apply.js';
import type { SyncItem } from '../core/sync-plan.js';
import { renderTable } from './render-table.js';

export interface TenantsSummary {
  dryRun: false;
  changed: boolean;
  seconds: number;
  counts: Record<string, number>;
  requests: Record<string, number>;
  rateLimited: number;
  tenants: SyncOutcome[];
  absent?: string[];
}

/** At most this many per-tenant lines; beyond, the counts say it. */
const LINES = 20;

/** The plan of `create`/`sync --dry-run`: one line per tenant, `+ acme (would create)`. */
export function renderPlan(items: SyncItem[], prune: boolean, color: ChalkInstance): string {
  const sign = { create: '+', update: '~', unchanged: '=', absent: prune ? '-' : '?' } as const;
  const paint = { create: color.green, update: color.yellow, unchanged: color.dim, absent: prune ? color.red : color.dim } as const;
  const lines = items.map((i) =>
    paint[i.action](
      `  ${sign[i.action]} ${i.tenant} (${i.action === 'absent' ? (prune ? 'would delete: not in the manifest' : 'not in the manifest; --prune deletes it') : `${i.action === 'unchanged' ? 'unchanged' : `would ${i.action}`}${i.changes ? `: ${i.changes.join(', ')}` : ''}`}${i.grantMissing && i.action !== 'create' ? ', client grant missing' : ''}${i.duplicates ? `, ${i.duplicates.length} duplicate application(s) to delete: ${i.duplicates.join(', ')}` : ''})`,
    ),
  );
  const c: Record<string, number> = { create: 0, update: 0, unchanged: 0, absent: 0 };
  for (const i of items) c[i.action] = (c[i.action] ?? 0) + 1;
  return [`Plan: ${c['create']} to create, ${c['update']} to update, ${c['unchanged']} unchanged, ${c['absent']} not in the manifest.`, ...lines].join('\n');
}

const PAST = { create: 'created', update: 'updated', unchanged: 'unchanged', delete: 'deleted', absent: 'absent' } as const;

/** The outcome of `create`/`sync`: a line per tenant (up to 20), counts, requests and grouped failures. */
export function renderSummary(summary: TenantsSummary, outputDir: string, color: ChalkInstance): string {
  const rows = Object.entries(summary.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => [k, String(n)]);
  // Identical errors are grouped: one line per distinct error, with a count and the tenants it hit.
  const groups = new Map<string, string[]>();
  for (const o of summary.tenants.filter((x) => x.status === 'failed')) {
    const key = `[${o.error?.code}] ${o.error?.message}`;
    groups.set(key, [...(groups.get(key) ?? []), o.tenant]);
  }
  const failed = [...groups].map(
    ([key, tenants]) =>
      `  ${tenants.length > 1 ? `${tenants.length} × ` : `${tenants[0]}: `}${key}${tenants.length > 1 ? ` (${tenants.slice(0, 5).join(', ')}${tenants.length > 5 ? ', ...' : ''})` : ''}`,
  );
  const requests =
    Object.entries(summary.requests)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ') || 'none';
  const done = summary.tenants.filter((o) => o.status === 'done');
  const dir = outputDir.replace(/\/?$/, '/');
  const lines =
    done.length <= LINES
      ? done.map((o) => {
          const written = Object.entries(o.files ?? {})
            .filter(([, w]) => w !== 'unchanged')
            .map(([n]) => n);
          const files =
            o.action === 'delete'
              ? `; files removed from ${dir}${o.tenant}/`
              : written.length
                ? `; wrote ${written.join(', ')} in ${dir}${o.tenant}/`
                : '; files unchanged';
          const id = o.clientId ?? o.organizationId;
          return `  ${o.tenant}${id ? color.dim(` (${id})`) : ''}: ${PAST[o.action]}${o.changes?.length ? ` (${o.changes.join(', ')})` : ''}${files}`;
        })
      : [];
  return [
    ...lines,
    renderTable(['RESULT', 'TENANTS'], rows.length ? rows : [['unchanged', '0']]),
    `Management API requests: ${requests}; ${summary.rateLimited} rate-limited answers absorbed; ${summary.seconds} s.`,
    ...(failed.length ? ['Failed (re-run to converge):', ...failed] : []),
  ].join('\n');
}
