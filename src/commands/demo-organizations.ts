import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { TenantsError } from '../core/tenants-error.js';
import type { RunningEmulator } from '../emulator/emulator.js';

const AUDIENCE = 'https://api.demo-saas.example.com';
const NAMESPACE = 'https://demo-saas.example.com/';

export interface DemoTools {
  emulator: RunningEmulator;
  dir: string;
  /** Runs the real CLI (the token, when given, on stdin) and checks its exit code. */
  run: (args: string[], expectedCode?: number, stdin?: string) => Promise<number>;
  say: (text: string) => void;
  c: ChalkInstance;
  bin: string;
  /** Logs in through the emulator's loopback helper; rejects with the error Auth0 answered. */
  login: (body: Record<string, string>) => Promise<string>;
}

/**
 * `tenants demo --strategy organizations`: the same story as the applications demo, told with one Auth0
 * organization per tenant and one shared application: init, create (twice), another team's organization
 * refused, list, show, tenant.json, a member, a login through her organization with the claim, a login through
 * another tenant's organization refused by Auth0, verify-token accepting and refusing, an invitation, doctor.
 */
export async function organizationsDemo({ emulator, dir, run, say, c, bin, login }: DemoTools): Promise<Record<string, unknown>> {
  say(c.bold(`Auth0 emulator running on https://${emulator.domain} (no Auth0 account needed); strategy: organizations`));
  say(c.dim(`Working in ${dir}; credentials come from AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, never from flags.`));
  await run([
    'init',
    '--no-input',
    '--strategy',
    'organizations',
    '--domain',
    emulator.domain,
    '--audience',
    AUDIENCE,
    '--api-name',
    'Demo SaaS API',
    '--claim-namespace',
    NAMESPACE,
    '--callbacks',
    'https://{tenant}.demo-saas.example.com/',
    '--login-uri',
    'https://app.demo-saas.example.com/login',
  ]);
  await run(['create', 'acme', 'globex']);
  await run(['create', 'acme', 'globex']);
  // The Auth0 tenant is shared: another team's organization is named "legacy", without our marker.
  const { organizationHandlers } = await import('../emulator/management/organizations.js');
  await organizationHandlers['post_organizations']!({
    tenant: emulator.tenant,
    params: {},
    query: {},
    body: { name: 'legacy', display_name: 'Legacy portal (another team)', metadata: { tenant: 'legacy' } },
  });
  const acmeOrg = Object.values(emulator.tenant.state.data.organizations ?? {}).find((o) => o['name'] === 'acme');
  say(`\n${c.bold("acme's organization carries the ownership marker")}: metadata ${JSON.stringify(acmeOrg?.['metadata'])}`);
  say(c.dim('Another team\'s organization "legacy" has metadata {"tenant":"legacy"} but no marker: every command leaves it alone.'));
  await run(['create', 'legacy'], 2);
  await run(['list']);
  await run(['show', 'acme']);
  const settingsText = readFileSync(join(dir, 'tenants', 'acme', 'tenant.json'), 'utf8');
  say(`\n${c.cyan('$')} ${c.bold('cat tenants/acme/tenant.json')}\n${settingsText.trimEnd()}`);

  // A user signs up (the demo's stand-in for your sign-up flow), ops make her a member of acme's organization.
  await emulator.createUser({ email: 'ann@acme.example', password: 'Demo-passw0rd' });
  await run(['users', 'add', 'acme', 'ann@acme.example']);
  const acme = JSON.parse(settingsText) as { clientIds: string[]; organization: { id: string } };
  const globex = JSON.parse(readFileSync(join(dir, 'tenants', 'globex', 'tenant.json'), 'utf8')) as { organization: { id: string } };
  const credentials = { client_id: acme.clientIds[0]!, username: 'ann@acme.example', password: 'Demo-passw0rd', audience: AUDIENCE, scope: 'openid profile' };
  say(`\n${c.bold("ann@acme.example logs in through globex's organization")}`);
  const denied = await login({ ...credentials, organization: globex.organization.id }).catch((error: unknown) => error as TenantsError);
  say(`  ${typeof denied === 'string' ? c.red('allowed (unexpected)') : c.green(`refused by Auth0: ${denied.message}`)}`);
  say(`\n${c.bold('ann@acme.example logs in to the shared application without an organization')}`);
  const orgless = await login(credentials).catch((error: unknown) => error as TenantsError);
  say(`  ${typeof orgless === 'string' ? c.red('allowed (unexpected)') : c.green(`refused: ${orgless.message}`)}`);
  say(`\n${c.bold("ann@acme.example logs in through acme's organization, asking for the API audience")}`);
  const token = await login({ ...credentials, organization: acme.organization.id });
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  say(
    c.dim(
      `  TOKEN=${token.slice(0, 24)}... (kept in memory): org_id ${String(claims['org_id'])}, azp ${String(claims['azp'])}, ${NAMESPACE}tenant ${String(claims[`${NAMESPACE}tenant`])}`,
    ),
  );
  const accepted = await run(['verify-token', '--tenant', 'acme'], 0, token);
  const rejected = await run(['verify-token', '--tenant', 'globex'], 3, token);
  await run(['users', 'invite', 'acme', 'ben@acme.example']);
  await run(['doctor']);
  say(
    `\n${c.bold('Verdicts')}: acme ${accepted === 0 ? c.green('accepted') : c.red('rejected')} (exit ${accepted}); globex ${c.red('rejected')} (exit ${rejected}, wrong_organization), as its backend would refuse it.`,
  );
  say(
    [
      '',
      c.bold('What happened'),
      `  - one shared API (${AUDIENCE}) and one shared SPA application (organization_usage: require) holding its grant;`,
      `  - one post-login Action adding ${NAMESPACE}tenant from the organization's metadata, denying the shared application without an organization of ours;`,
      '  - one Auth0 organization per tenant, named by the tenant id, marked metadata.tenants_managed_by = "auth0-tenants", the database connection enabled;',
      '  - another team\'s organization named "legacy" without the marker was refused by create (exit 2) and left out of list;',
      '  - the second `create` changed nothing: every command converges;',
      "  - Auth0 refused ann's login through globex's organization (she is not a member) and without an organization;",
      "  - acme's token (org_id = acme's organization) is accepted for acme and refused for globex: wrong_organization;",
      "  - ben@acme.example got an invitation link to acme's organization.",
      '',
      c.bold('Try next'),
      `  cd ${dir}`,
      '  look at tenants/acme/spa.env (VITE_AUTH0_ORGANIZATION) and tenants/acme/tenant.json (schemaVersion 2, organization)',
      `  node ${bin} emulator --port 0     # a long-running emulator for your own experiments`,
    ].join('\n'),
  );
  return {
    workspace: dir,
    domain: emulator.domain,
    strategy: 'organizations',
    tenants: { acme: JSON.parse(settingsText) as unknown },
    verdicts: { acme: accepted === 0, globex: rejected === 0 },
    crossTenantLoginDenied: typeof denied !== 'string',
    loginWithoutOrganizationDenied: typeof orgless !== 'string',
  };
}
