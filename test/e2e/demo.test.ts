import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/workspace.js';

describe('the README demo', () => {
  it('runs init, create twice, and shows acme accepted and globex refused', async () => {
    const work = tempDir('tenants-demo-test-');
    try {
      const result = await runCli(['demo', '--json', '--dir', work.path], {
        env: { CI: 'true', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
      });
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { verdicts: Record<string, boolean>; tenants: { acme: { tenant: string } } };
      expect(summary.verdicts).toEqual({ acme: true, globex: false });
      expect(summary).toMatchObject({ crossTenantLoginDenied: true });
      expect(result.stderr).toContain('Healthy (2 tenant(s)).');
      expect(result.stderr).not.toContain('callbacks_empty'); // init was given the SPA's URLs
      expect(summary.tenants.acme.tenant).toBe('acme');
      expect(result.stderr).toContain('REJECTED [wrong_application] for tenant globex');
      expect(result.stderr).toContain('files unchanged');
      expect(result.stderr).toContain('"tenants_managed_by":"auth0-tenants"');
      expect(result.stderr).toContain('[application_not_ours]');
      expect(result.stderr).toContain('[application_foreign]');
    } finally {
      work.remove();
    }
  });

  it("--strategy organizations: a login through acme's organization carries the claim, globex refuses it, and doctor is healthy without warnings", async () => {
    const work = tempDir('tenants-demo-orgs-');
    try {
      const result = await runCli(['demo', '--json', '--strategy', 'organizations', '--dir', work.path], {
        env: { CI: 'true', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
      });
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as { strategy: string; verdicts: Record<string, boolean>; tenants: { acme: { schemaVersion: number } } };
      expect(summary).toMatchObject({
        strategy: 'organizations',
        verdicts: { acme: true, globex: false },
        crossTenantLoginDenied: true,
        loginWithoutOrganizationDenied: true,
        tenants: { acme: { schemaVersion: 2, organization: { name: 'acme', required: true } } },
      });
      expect(result.stderr).toContain('REJECTED [wrong_organization] for tenant globex');
      expect(result.stderr).toContain('[organization_not_ours]');
      expect(result.stderr).toContain('is not part of the');
      expect(result.stderr).toContain('invitation=');
      expect(result.stderr).toContain('Healthy (2 tenant(s)).');
      expect(result.stderr).not.toMatch(/warning|Warning/);
    } finally {
      work.remove();
    }
  });
});
