import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tenancyFor } from '../core/tenancy-for.js';
import { renderTable } from '../io/render-table.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { ListArgs } from './list.js';

/** `tenants list`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runList(context: () => CommandContext, ...[options]: ListArgs): Promise<void> {
  const ctx = context();
  const project = await openProject(ctx, options.config);
  const tenancy = tenancyFor(project.config);
  const organizations = tenancy.strategy === 'organizations';
  const owned = tenancy.owned(await tenancy.read(project.port, project.config, { optionalApi: true }));
  const tenants = [...owned.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tenant, resources]) => ({
      tenant,
      ...(organizations ? { organizationId: resources[0]!.id } : { clientId: resources[0]!.id }),
      name: String((organizations ? resources[0]!.current['display_name'] : resources[0]!.name) ?? ''),
      duplicates: resources.slice(1).map((r) => r.id),
      filesEmitted: existsSync(join(project.outputDir, tenant, 'tenant.json')),
    }));
  ctx.out.result(
    { tenants },
    tenants.length === 0
      ? 'No tenants yet. Create one with: tenants create <tenant>'
      : renderTable(
          ['TENANT', organizations ? 'ORGANIZATION ID' : 'CLIENT ID', 'NAME', 'FILES'],
          tenants.map((t) => [
            t.tenant,
            ('organizationId' in t ? t.organizationId : t.clientId) ?? '',
            t.name,
            (t.filesEmitted ? 'emitted' : 'missing') + (t.duplicates.length ? ` (+${t.duplicates.length} duplicate)` : ''),
          ]),
        ),
  );
}
