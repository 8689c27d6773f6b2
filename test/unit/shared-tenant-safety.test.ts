import { describe, expect, it } from 'vitest';
import { RequestPacer } from '../../src/auth0/request-pacer.js';
import { pacedFetch } from '../../src/auth0/paced-fetch.js';
import { renderActionCode } from '../../src/core/action-code.js';
import { checkApplicationSettings } from '../../src/core/check-application-settings.js';
import { desiredApplication, repairPatch } from '../../src/core/desired-state.js';
import { findTagged, foreignApplications, taggedTenants } from '../../src/core/find-tagged.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { assertScopes } from '../../src/core/required-scopes.js';
import { planSync } from '../../src/core/sync-plan.js';

const config = projectConfigSchema.parse({ domain: 't.auth0.com', audience: 'https://api.example.com', claimNamespace: 'https://s.example.com/' });
const body = (callbacks: string[], name = 'acme') => ({ ...desiredApplication(config, 'acme'), name, callbacks });

describe('ownership', () => {
  const ours = { client_id: 'A', client_metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' } };
  const theirs = { client_id: 'B', client_metadata: { tenant: 'acme' } };
  const invalid = { client_id: 'C', client_metadata: { tenant: 'Other Team', tenants_managed_by: 'auth0-tenants' } };
  const global = { client_id: 'G', global: true, client_metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' } };

  it('counts only marked applications with a valid tenant id', () => {
    expect(findTagged([ours, theirs, invalid, global], 'acme').map((c) => c.client_id)).toEqual(['A']);
    expect([...taggedTenants([ours, theirs, invalid, global]).keys()]).toEqual(['acme']);
    expect(foreignApplications([ours, theirs, invalid, global]).map((c) => c.client_id)).toEqual(['B', 'C']);
  });

  it('sync refuses a manifest tenant that only an unmarked application claims, and never prunes it', () => {
    const state = { clients: [theirs], api: { id: 'rs', identifier: config.audience }, grants: [] };
    expect(() => planSync(config, [{ tenant: 'acme' }], state)).toThrow(expect.objectContaining({ code: 'application_not_ours' }));
    expect(planSync(config, [{ tenant: 'globex' }], state).filter((i) => i.action === 'absent')).toEqual([]);
  });

  it('repairs send only our metadata keys (Auth0 merges the rest)', () => {
    expect(repairPatch(desiredApplication(config, 'acme'), ['client_metadata'], 'acme')).toEqual({
      client_metadata: { tenant: 'acme', tenants_managed_by: 'auth0-tenants' },
    });
  });
});

describe('application settings refused before any write', () => {
  it.each([
    [['https://app.example.com/cb', 'http://localhost:3000/cb', 'http://127.0.0.1/cb'], undefined],
    [['http://evil.example.com/cb'], 'invalid_url'],
    [['javascript:alert(1)'], 'invalid_url'],
    [['data:text/html,x'], 'invalid_url'],
    [['https://user:pw@app.example.com/cb'], 'invalid_url'],
    [['https://*.example.com/cb'], 'wildcard_url'],
  ])('%j -> %s', (callbacks, code) => {
    const check = () => checkApplicationSettings(body(callbacks), 'acme', 'tenants.config.json', false);
    if (code) expect(check).toThrow(expect.objectContaining({ code, kind: 'usage' }));
    else expect(check()).toEqual([]);
  });

  it('accepts wildcards only when allowed, with a warning', () => {
    expect(checkApplicationSettings(body(['https://*.example.com/cb']), 'acme', 'c', true)).toEqual([expect.stringContaining('wildcard')]);
  });

  it("refuses names outside Auth0's pattern", () => {
    expect(() => checkApplicationSettings(body([], 'a<b>'), 'acme', 'c', false)).toThrow(expect.objectContaining({ code: 'invalid_application_name' }));
  });

  it('refuses claim namespaces under reserved domains or with unsafe characters', () => {
    for (const ns of ['https://auth0.com/', 'https://a.webtask.run/', 'https://x.example.com/$&/', "https://x.example.com/'/", 'http://x.example.com/']) {
      expect(projectConfigSchema.safeParse({ ...config, claimNamespace: ns }).success, ns).toBe(false);
    }
    expect(projectConfigSchema.safeParse({ ...config, claimNamespace: 'https://auth0.example.com/ns/' }).success).toBe(true);
  });
});

describe('the Action rendering', () => {
  it('inserts any claim name literally: String.replace patterns have no effect', () => {
    const code = renderActionCode("const TENANT_CLAIM = '__TENANT_CLAIM__';", "https://x/$&/$`/$'/\"'\\/tenant");
    expect(new Function(`${code}; return TENANT_CLAIM;`)()).toBe("https://x/$&/$`/$'/\"'\\/tenant");
  });
});

describe('scopes', () => {
  it('names each missing scope (exit 4) and skips the check when the token cannot be read', () => {
    expect(() => assertScopes(['read:clients'], ['read:clients', 'create:clients', 'update:clients'], 'create')).toThrow(
      expect.objectContaining({ code: 'scope_missing', kind: 'credentials', details: { missing: ['create:clients', 'update:clients'] } }),
    );
    expect(() => assertScopes(undefined, ['create:clients'], 'create')).not.toThrow();
  });
});

describe('fail fast', () => {
  // The pacer's clock is fake: the retries' waits (RETRY_POLICIES.request) pass at once.
  const fakeClock = () => {
    let now = 0;
    return [() => now, async (ms: number) => void (now += ms)] as const;
  };

  it('trips after three connection failures in a row and refuses the rest without sending', async () => {
    const pacer = new RequestPacer(1000, 4, ...fakeClock());
    let sent = 0;
    const down: typeof fetch = async () => {
      sent += 1;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    };
    const paced = pacedFetch(pacer, down);
    await expect(paced('https://t/api/v2/clients')).rejects.toMatchObject({ code: 'auth0_unreachable', kind: 'unreachable' });
    expect(sent).toBe(3);
    await expect(paced('https://t/api/v2/clients')).rejects.toMatchObject({ code: 'auth0_unreachable' });
    expect(sent).toBe(3);
  });

  it('a success in between resets the count', async () => {
    const pacer = new RequestPacer(1000, 4, ...fakeClock());
    let calls = 0;
    const flaky: typeof fetch = async () => {
      calls += 1;
      if (calls % 3 === 0) return new Response('{}', { status: 200 });
      throw new TypeError('fetch failed');
    };
    const paced = pacedFetch(pacer, flaky);
    for (let i = 0; i < 4; i++) expect((await paced('https://t/api/v2/clients')).status).toBe(200);
    expect(pacer.tripped).toBeUndefined();
  });
});
