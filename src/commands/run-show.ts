import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findTagged, tenantNotFound } from '../core/find-tagged.js';
import { readCurrentState, requiresClientGrant } from '../core/provision-tenants.js';
import { issuersOf, TENANT_FILES, tenantSettings } from '../core/tenant-files.js';
import { parseTenantIds } from '../core/tenant-id.js';
import { findUserGrant } from '../core/user-grant.js';
import type { CommandContext } from './context.js';
import { openProject } from './project.js';
import type { ShowArgs } from './show.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants show`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runShow(context: () => CommandContext, ...[tenantArg, options]: ShowArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.show, options);
  const [tenant] = parseTenantIds([tenantArg]) as [string];
  const project = await openProject(ctx, options.config);
  const state = await readCurrentState(project.port, project.config);
  const [app, ...duplicates] = findTagged(state.clients, tenant);
  if (!app) {
    throw tenantNotFound([tenant]);
  }
  const grant = findUserGrant(state.grants, app.client_id);
  const settings = tenantSettings(project.config, tenant, app.client_id, state.api);
  const files = Object.fromEntries(
    TENANT_FILES.map((f) => {
      const path = join(project.outputDir, tenant, f);
      return [f, { path, exists: existsSync(path) }];
    }),
  );
  const view = {
    tenant,
    clientId: app.client_id,
    name: app.name ?? '',
    duplicates: duplicates.map((d) => d.client_id),
    application: { appType: app.app_type, callbacks: app.callbacks ?? [], logoutUrls: app.allowed_logout_urls ?? [], webOrigins: app.web_origins ?? [] },
    clientGrant: requiresClientGrant(state.api) ? (grant ? { id: grant.id, audience: grant.audience } : null) : 'not required',
    settings,
    files,
  };
  const c = ctx.out.color;
  ctx.out.result(
    view,
    [
      `${c.bold(tenant)}  ${app.name ?? ''}`,
      `  client id      ${app.client_id}`,
      `  audience       ${settings.audience}`,
      `  issuer         ${issuersOf(settings)
        .map((i) => i.issuer)
        .join(', ')}`,
      `  tenant claim   ${settings.tenantClaim}`,
      `  client grant   ${typeof view.clientGrant === 'string' ? view.clientGrant : view.clientGrant ? view.clientGrant.id : c.red('missing (run tenants create again)')}`,
      `  callbacks      ${view.application.callbacks.join(', ') || '-'}`,
      `  logout URLs    ${view.application.logoutUrls.join(', ') || '-'}`,
      `  web origins    ${view.application.webOrigins.join(', ') || '-'}`,
      ...Object.entries(files).map(([name, f]) => `  ${name.padEnd(14)} ${f.exists ? f.path : c.red(`missing (run tenants emit ${tenant})`)}`),
      ...(duplicates.length ? [c.yellow(`  duplicates     ${duplicates.map((d) => d.client_id).join(', ')}`)] : []),
    ].join('\n'),
  );
}
