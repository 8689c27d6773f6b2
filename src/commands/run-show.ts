import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tenantNotFound } from '../core/find-tagged.js';
import { clientIdsOf, issuersOf, TENANT_FILES } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { tenancyFor } from '../core/tenancy-for.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { ShowArgs } from './show.js';

/** `tenants show`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runShow(context: () => CommandContext, ...[tenantArg, options]: ShowArgs): Promise<void> {
  const ctx = context();
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const project = await openProject(ctx, options.config);
  const tenancy = tenancyFor(project.config);
  tenancy.checkIds([tenant]);
  const state = await tenancy.read(project.port, project.config);
  const resources = tenancy.owned(state).get(tenant);
  if (!resources) throw tenantNotFound([tenant], tenancy.resourceKind);
  const settings = tenancy.settings(project.config, tenant, resources[0]!, state);
  const files = Object.fromEntries(
    TENANT_FILES.map((f) => {
      const path = join(project.outputDir, tenant, f);
      return [f, { path, exists: existsSync(path) }];
    }),
  );
  const described = tenancy.describe(project.config, tenant, resources, state);
  const view = { tenant, ...described, settings, files };
  const c = ctx.out.color;
  const common = [
    `  audience       ${settings.audience}`,
    `  issuer         ${issuersOf(settings)
      .map((i) => i.issuer)
      .join(', ')}`,
    `  tenant claim   ${settings.tenantClaim}`,
  ];
  const fileLines = Object.entries(files).map(([name, f]) => `  ${name.padEnd(14)} ${f.exists ? f.path : c.red(`missing (run tenants emit ${tenant})`)}`);
  let lines: string[];
  if (tenancy.strategy === 'organizations') {
    const org = described['organization'] as { id: string; name: string; displayName: string | null };
    lines = [
      `${c.bold(tenant)}  ${org.displayName ?? ''}`,
      `  organization   ${org.id}`,
      `  application    ${clientIdsOf(settings).join(', ')} (shared by every tenant; logins go through the organization)`,
      ...common,
      ...fileLines,
    ];
  } else {
    const app = described as {
      clientId: string;
      name: string;
      duplicates: string[];
      application: { callbacks: string[]; logoutUrls: string[]; webOrigins: string[] };
      clientGrant: { id: string } | null | string;
    };
    lines = [
      `${c.bold(tenant)}  ${app.name}`,
      `  client id      ${app.clientId}`,
      ...common,
      `  client grant   ${typeof app.clientGrant === 'string' ? app.clientGrant : app.clientGrant ? app.clientGrant.id : c.red('missing (run tenants create again)')}`,
      `  callbacks      ${app.application.callbacks.join(', ') || '-'}`,
      `  logout URLs    ${app.application.logoutUrls.join(', ') || '-'}`,
      `  web origins    ${app.application.webOrigins.join(', ') || '-'}`,
      ...fileLines,
      ...(app.duplicates.length ? [c.yellow(`  duplicates     ${app.duplicates.join(', ')}`)] : []),
    ];
  }
  ctx.out.result(view, lines.join('\n'));
}
