import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionCodeForMode } from '../core/action-code.js';
import { POST_LOGIN } from '../core/desired-state.js';
import { diagnose, type DoctorInputs, type Finding } from '../core/doctor.js';
import { renderTenantFiles } from '../core/tenant-files.js';
import { tenancyFor } from '../core/tenancy-for.js';
import { TenantsError } from '../core/tenants-error.js';
import { loadConfig } from '../io/config-file.js';
import { renderDoctor } from '../io/render-doctor.js';
import { readTemplate } from '../io/templates.js';
import { editedFiles } from '../io/write-tenant-files.js';
import { readTenantOverrides } from '../io/tenant-overrides-file.js';
import type { CommandContext } from './context.js';
import { openProject, type Project } from './project.js';
import type { DoctorArgs } from './doctor.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';

/** `tenants doctor`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runDoctor(context: () => CommandContext, ...[options]: DoctorArgs): Promise<void> {
  const ctx = context();
  parseOptions(OPTION_SCHEMAS.doctor, options);
  const loaded = loadConfig(ctx.cwd, options.config);
  let project: Project;
  try {
    project = await openProject(ctx, loaded);
  } catch (error) {
    if (error instanceof TenantsError && error.kind === 'credentials')
      return report(ctx, [
        {
          code: 'credentials_missing',
          severity: 'error',
          message: error.message,
          fix: error.hint ?? 'export AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET',
        },
      ]);
    if (error instanceof TenantsError && error.code === 'domain_mismatch')
      return report(ctx, [{ code: 'domain_mismatch', severity: 'error', message: error.message, fix: error.hint ?? 'make AUTH0_DOMAIN and the config agree' }]);
    throw error;
  }
  const forbidden: string[] = [];
  const read = async <T>(resource: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof TenantsError && error.code === 'auth0_forbidden') {
        forbidden.push(resource);
        return undefined;
      }
      throw error;
    }
  };
  let clients;
  try {
    clients = await read('clients', () => project.port.listClients());
  } catch (error) {
    if (error instanceof TenantsError && error.kind === 'credentials') {
      return report(ctx, [
        { code: 'credentials_rejected', severity: 'error', message: error.message, fix: error.hint ?? 'Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET' },
      ]);
    }
    throw error;
  }
  const config = loaded.config;
  const tenancy = tenancyFor(config);
  const organizations = tenancy.strategy === 'organizations';
  const api = await read('resource_servers', () => project.port.findResourceServer(config.audience));
  const action = await read('actions', () => project.port.findActionByName(config.actionName));
  const bindings = await read('actions', () => project.port.listBindings(POST_LOGIN));
  const grants = await read('client_grants', () => project.port.listClientGrants({ audience: config.audience }));
  // Users whose stored tenant has no resource (applications: app_metadata.tenant; organizations keep no tenant on users).
  const census = tenancy.members.countByTenant;
  const usersByTenant = census ? await read('users', () => census(project.port)) : undefined;
  const orgs = organizations ? await read('organizations', () => project.port.listOrganizations()) : undefined;
  const state = { clients: clients ?? [], api, grants, organizations: orgs };
  const files: DoctorInputs['files'] = {};
  const edited: Record<string, string[]> = {};
  const overrides: NonNullable<DoctorInputs['overrides']> = {};
  const owned = clients ? tenancy.owned(state) : new Map();
  for (const [tenant, resources] of owned) {
    let settings;
    try {
      settings = tenancy.settings(config, tenant, resources[0]!, state);
    } catch (error) {
      // organizations without the shared application: reported once by diagnoseShared (shared_application_missing).
      if (error instanceof TenantsError && error.code === 'shared_application_missing') continue;
      throw error;
    }
    const expected = renderTenantFiles(settings, config, readTemplate);
    edited[tenant] = editedFiles(loaded.outputDir, tenant);
    overrides[tenant] = readTenantOverrides(loaded.outputDir, tenant);
    files[tenant] = Object.fromEntries(Object.entries(expected).map(([name, content]) => [name, onDisk(join(loaded.outputDir, tenant, name), content)]));
  }
  const findings = diagnose({
    config,
    expectedActionCode: actionCodeForMode(readTemplate, config, tenancy.actionMode),
    dualActionCode: actionCodeForMode(readTemplate, config, 'dual'),
    forbidden: [...new Set(forbidden)],
    api,
    action,
    bindings,
    clients,
    grants,
    organizations: orgs,
    files,
    edited,
    overrides,
    usersByTenant,
    grantedScopes: project.port.grantedScopes(),
  });
  report(ctx, findings, owned.size);
}

function onDisk(path: string, expected: string): boolean | undefined {
  try {
    return readFileSync(path, 'utf8') === expected;
  } catch {
    return undefined;
  }
}

function report(ctx: CommandContext, findings: Finding[], tenants?: number): void {
  const errors = findings.filter((f) => f.severity === 'error').length;
  ctx.out.result({ healthy: errors === 0, findings }, renderDoctor(findings, tenants, ctx.out.color));
  if (errors) throw new TenantsError('auth0', 'unhealthy', `${errors} problem(s) found.`, { alreadyReported: true });
}
