import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { checkApplicationLimit, planSync } from '../../src/core/sync-plan.js';
import { RequestPacer } from '../../src/auth0/request-pacer.js';
import { desiredApplication } from '../../src/core/desired-state.js';

const config = projectConfigSchema.parse({
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
  application: { callbacks: ['https://{tenant}.example.com/cb'] },
});
const lineOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return (e as { details?: { line?: number }; code: string }).details?.line ?? (e as { code: string }).code;
  }
  return 'ok';
};

describe('manifests', () => {
  it('reads YAML lists of ids or objects, at the top or under tenants:', () => {
    expect(parseManifest('- acme\n- tenant: globex\n  name: Globex Corp\n  callbacks: [https://globex.example.com/cb]\n', 'yaml')).toEqual([
      { tenant: 'acme' },
      { tenant: 'globex', name: 'Globex Corp', callbacks: ['https://globex.example.com/cb'] },
    ]);
    expect(parseManifest('tenants:\n  - acme\n', 'yaml')).toEqual([{ tenant: 'acme' }]);
    expect(parseManifest('{"tenants": [{"tenant": "acme", "webOrigins": ["https://acme.example.com"]}]}', 'json')).toEqual([
      { tenant: 'acme', webOrigins: ['https://acme.example.com'] },
    ]);
  });

  it('reads CSV with a tenant column and list cells split by spaces or semicolons', () => {
    expect(parseManifest('tenant,name,callbacks\nacme,Acme,https://a.example.com/cb;https://b.example.com/cb\nglobex,,\n', 'csv')).toEqual([
      { tenant: 'acme', name: 'Acme', callbacks: ['https://a.example.com/cb', 'https://b.example.com/cb'] },
      { tenant: 'globex' },
    ]);
  });

  it.each([
    ['- acme\n- Bad Id\n', 'yaml', 2],
    ['tenants:\n  - acme\n  - tenant: globex\n    callbacks: [not-a-url]\n', 'yaml', 3],
    ['- acme\n- acme\n', 'yaml', 2],
    ['[\n  "acme",\n  {"tenant": "x", "colour": "red"}\n]', 'json', 3],
    ['tenant,name\nacme,A\n../x,B\n', 'csv', 3],
    ['name\nacme\n', 'csv', 1],
    ['tenant,region\nacme,eu\n', 'csv', 1],
    ['- acme\n- globex\n- {tenant: x\n', 'yaml', 4],
  ])('reports the line of a bad row: %j', (text, format, line) => {
    expect(lineOf(() => parseManifest(text, format as 'yaml'))).toBe(line);
  });
});

describe('the sync plan', () => {
  const api = { id: 'rs', identifier: config.audience, subject_type_authorization: { user: { policy: 'require_client_grant' } } };
  it('sorts tenants into create, update, unchanged and absent, and notices missing grants', () => {
    const acme = { client_id: 'A', ...desiredApplication(config, 'acme') };
    const globex = { client_id: 'G', ...desiredApplication(config, 'globex'), callbacks: ['https://old.example.com'] };
    const gone = { client_id: 'X', ...desiredApplication(config, 'gone') };
    const items = planSync(config, [{ tenant: 'acme' }, { tenant: 'globex' }, { tenant: 'new' }], {
      api,
      clients: [acme, globex, gone, { client_id: 'U', name: 'untagged' }] as never,
      grants: [{ id: 'g', client_id: 'A', audience: config.audience, subject_type: 'user' }],
    });
    expect(items.map((i) => [i.tenant, i.action, i.grantMissing, i.changes])).toEqual([
      ['acme', 'unchanged', false, undefined],
      ['globex', 'update', true, ['callbacks']],
      ['new', 'create', true, undefined],
      ['gone', 'absent', false, undefined],
    ]);
  });

  it('refuses to go over the application limit before writing', () => {
    const state = { api, grants: [], clients: Array.from({ length: 98 }, (_, i) => ({ client_id: String(i) })) };
    expect(() => checkApplicationLimit(state, 2, 0, 100)).not.toThrow();
    expect(() => checkApplicationLimit(state, 3, 0, 100)).toThrow(expect.objectContaining({ code: 'application_limit' }));
    expect(() => checkApplicationLimit(state, 3, 1, 100)).not.toThrow();
  });
});

describe('the request pacer', () => {
  it("spaces requests at the rate, spends Auth0's reported burst down to a margin, and pauses for a 429 until reset", async () => {
    let clock = 1_000_000;
    const pacer = new RequestPacer(
      10,
      4,
      () => clock,
      async (ms) => void (clock += ms),
    );
    const sendTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.acquire();
      sendTimes.push(clock);
      pacer.release();
    }
    expect(sendTimes.map((t) => t - sendTimes[0]!)).toEqual([0, 100, 200, 300, 400]);

    pacer.observe(200, new Headers({ 'x-ratelimit-remaining': '8' }), pacer.sequence);
    const burst: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.acquire();
      burst.push(clock);
      pacer.release();
    }
    expect(burst.filter((t) => t === burst[0]).length).toBe(3); // 8 - margin 5: three at once, then paced

    const reset = Math.ceil(clock / 1000) + 2;
    expect(pacer.observe(429, new Headers({ 'x-ratelimit-reset': String(reset), 'x-ratelimit-remaining': '0' }), pacer.sequence)).toBe(true);
    await pacer.acquire();
    expect(clock).toBeGreaterThanOrEqual(reset * 1000);
    expect(pacer.stats.rateLimited).toBe(1);
  });
});
