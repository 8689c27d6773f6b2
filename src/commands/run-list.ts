import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { taggedTenants } from '../core/find-tagged.js';
import { renderTable } from '../io/render-table.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { ListArgs } from './list.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants list`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runList(context: () => CommandContext, ...[options]: ListArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.list, options);
  const project = await openProject(ctx, options.config);
  const byTenant = taggedTenants(await project.port.listClients());
  const tenants = [...byTenant.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tenant, apps]) => ({
      tenant,
      clientId: apps[0]!.client_id,
      name: apps[0]!.name ?? '',
      duplicates: apps.slice(1).map((a) => a.client_id),
      filesEmitted: existsSync(join(project.outputDir, tenant, 'tenant.json')),
    }));
  ctx.out.result(
    { tenants },
    tenants.length === 0
      ? 'No tenants yet. Create one with: tenants create <tenant>'
      : renderTable(
          ['TENANT', 'CLIENT ID', 'NAME', 'FILES'],
          tenants.map((t) => [
            t.tenant,
            t.clientId,
            t.name,
            (t.filesEmitted ? 'emitted' : 'missing') + (t.duplicates.length ? ` (+${t.duplicates.length} duplicate)` : ''),
          ]),
        ),
  );
}
