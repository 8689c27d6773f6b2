import type { ChalkInstance } from 'chalk';
import { clientIdsOf, issuersOf } from '../core/tenant-files.js';
import type { TenancyStrategy } from '../core/tenancy.js';
import type { TenantSettings } from '../core/tenant-files.js';

/** What `tenants show` prints: the tenant's resource (organization or application), its settings and its files. */
export function renderTenantView(
  view: { tenant: string; described: Record<string, unknown>; settings: TenantSettings; files: Record<string, { path: string; exists: boolean }> },
  strategy: TenancyStrategy,
  color: ChalkInstance,
): string {
  const { tenant, described, settings, files } = view;
  const c = color;
  const common = [
    `  audience       ${settings.audience}`,
    `  issuer         ${issuersOf(settings)
      .map((i) => i.issuer)
      .join(', ')}`,
    `  tenant claim   ${settings.tenantClaim}`,
  ];
  const fileLines = Object.entries(files).map(([name, f]) => `  ${name.padEnd(14)} ${f.exists ? f.path : c.red(`missing (run tenants emit ${tenant})`)}`);
  let lines: string[];
  if (strategy === 'organizations') {
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
  return lines.join('\n');
}
