import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Client } from '../../src/auth0/resources.js';
import { exitIfPending, assertExitCodeUsage } from '../../src/core/changes-pending.js';
import { convergeCreated } from '../../src/core/converge-created.js';
import { findTagged } from '../../src/core/find-tagged.js';
import { projectConfigSchema } from '../../src/core/project-config.js';
import { acquireLease, leaseIdentifier, parseLease } from '../../src/core/run-lease.js';
import { planSync } from '../../src/core/sync-plan.js';
import { EXIT_CODES, TenantsError } from '../../src/core/tenants-error.js';
import { renderMarkdown } from '../../src/io/render-markdown.js';
import { FakePort } from '../helpers/fake-port.js';

const config = projectConfigSchema.parse({
  domain: 't.auth0.com',
  audience: 'https://api.example.com',
  claimNamespace: 'https://s.example.com/',
  application: { callbacks: ['https://{tenant}.example.com/cb'] },
});
const app = (id: string, tenant: string, created?: string): Client => ({
  client_id: id,
  name: tenant,
  client_metadata: { tenant, tenants_managed_by: 'auth0-tenants', ...(created ? { tenants_created_at: created } : {}) },
});
const api = { id: 'rs_api', identifier: config.audience, subject_type_authorization: { user: { policy: 'require_client_grant' } } };

/** A clock the test moves: sleeping advances it. */
function clock(start = Date.parse('2026-11-28T08:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}
const failed = async (run: () => Promise<unknown>): Promise<TenantsError> => {
  try {
    await run();
  } catch (error) {
    return error as TenantsError;
  }
  throw new Error('expected a failure');
};

describe('the survivor among duplicates of ours', () => {
  it('is the oldest by the creation stamp, then by client_id, an unstamped one first; the same whatever the listing order', () => {
    const clients = [
      app('c-b', 'acme', '2026-11-28T08:00:01.000Z'),
      app('c-z', 'acme', '2026-11-28T08:00:00.500Z'),
      app('c-a', 'acme', '2026-11-28T08:00:01.000Z'),
    ];
    expect(findTagged(clients, 'acme').map((c) => c.client_id)).toEqual(['c-z', 'c-a', 'c-b']);
    expect(findTagged([...clients].reverse(), 'acme').map((c) => c.client_id)).toEqual(['c-z', 'c-a', 'c-b']);
    expect(findTagged([...clients, app('c-old', 'acme')], 'acme')[0]!.client_id).toBe('c-old');
  });

  it('makes the plan an update with the duplicates, never "unchanged"', () => {
    const state = { clients: [app('c-2', 'acme', '2026-11-28T08:00:02.000Z'), app('c-1', 'acme', '2026-11-28T08:00:01.000Z')], api, grants: [] };
    const [item] = planSync(config, [{ tenant: 'acme' }], state);
    expect(item).toMatchObject({ tenant: 'acme', clientId: 'c-1', duplicates: ['c-2'] });
    expect(item!.action).not.toBe('unchanged');
  });
});

describe('convergence after a run created applications', () => {
  it("deletes this run's own copy (grants first) when an older one exists, grants the survivor and names it", async () => {
    const port = new FakePort();
    port.clients = [
      app('theirs', 'acme', '2026-11-28T08:00:00.000Z'),
      app('mine', 'acme', '2026-11-28T08:00:00.100Z'),
      app('solo', 'globex', '2026-11-28T08:00:00.200Z'),
    ];
    port.grants = [{ id: 'g-mine', client_id: 'mine', audience: config.audience, subject_type: 'user' }];
    const state = { clients: [], api, grants: [] };
    const outcomes = [
      { tenant: 'acme', action: 'create', status: 'done', clientId: 'mine' },
      { tenant: 'globex', action: 'create', status: 'done', clientId: 'solo' },
    ];
    const moved: string[] = [];
    const result = await convergeCreated({ port, sleep: async () => undefined }, config, state, outcomes, (o) => moved.push(`${o.tenant}=${o.clientId}`));
    expect(moved).toEqual(['acme=theirs']);
    expect(outcomes[0]!.clientId).toBe('theirs');
    expect(port.clients.map((c) => c.client_id)).toEqual(['theirs', 'solo']);
    expect(port.grants.map((g) => g.client_id)).toEqual(['theirs']);
    expect(port.calls.indexOf('deleteClientGrant')).toBeLessThan(port.calls.indexOf('deleteClient'));
    expect(result).toMatchObject({ removed: 1, moved: ['acme'] });
  });

  it('keeps its own when it is the oldest, and leaves a later copy to the run that made it', async () => {
    const port = new FakePort();
    port.clients = [app('mine', 'acme', '2026-11-28T08:00:00.000Z'), app('later', 'acme', '2026-11-28T08:00:00.100Z')];
    const outcomes = [{ tenant: 'acme', action: 'create', status: 'done', clientId: 'mine' }];
    const result = await convergeCreated({ port, sleep: async () => undefined }, config, { clients: [], api, grants: [] }, outcomes, () => undefined);
    expect(result.removed).toBe(0);
    expect(port.calls).toEqual(['listClients']);
  });
});

describe('the lease', () => {
  const options = { audience: config.audience, command: 'sync', waitSeconds: 30, ttlSeconds: 60 };

  it('is one API at a URN of ours whose name carries the holder and the expiry; released, it is gone', async () => {
    const port = new FakePort();
    const c = clock();
    const lease = await acquireLease({ port, ...c, progress: () => undefined }, options);
    expect(port.apis).toHaveLength(1);
    const record = parseLease(port.apis[0]!);
    expect(port.apis[0]!.identifier).toBe(leaseIdentifier(config.audience));
    expect(record).toMatchObject({ expiresAt: c.now() + 60_000 });
    expect(record!.holder).toMatch(/^tenants sync, .+@.+ pid \d+/);
    await lease.release();
    await lease.release();
    expect(port.apis).toEqual([]);
    expect(port.calls.filter((m) => m === 'deleteResourceServer')).toHaveLength(1);
  });

  it('waits for a live holder with progress, then refuses with exit 5 naming it', async () => {
    const port = new FakePort();
    const c = clock();
    await acquireLease({ port, ...c, progress: () => undefined }, options);
    const notes: string[] = [];
    const error = await failed(() => acquireLease({ port, ...c, progress: (t) => notes.push(t) }, { ...options, waitSeconds: 25, ttlSeconds: 600 }));
    expect(error).toMatchObject({ code: 'lease_held', kind: 'locked' });
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/Another run holds the lease on this project: tenants sync, .* until 2026-11-28T08:01:00\.000Z/);
    expect(notes.filter((n) => n.startsWith('Waiting for the lease held by tenants sync')).length).toBeGreaterThanOrEqual(2);
  });

  it("takes over a holder's lease once it has expired (a SIGKILLed run), deleting it by its id", async () => {
    const port = new FakePort();
    const c = clock();
    await acquireLease({ port, ...c, progress: () => undefined }, { ...options, ttlSeconds: 5 });
    const stale = port.apis[0]!.id;
    const notes: string[] = [];
    const started = c.now();
    const next = await acquireLease({ port, ...c, progress: (t) => notes.push(t) }, options);
    expect(c.now() - started).toBeLessThanOrEqual(5_000 + 2_000);
    expect(notes.some((n) => /expired at .*; taking it over/.test(n))).toBe(true);
    expect(port.apis.map((a) => a.id)).toEqual([next.id]);
    expect(next.id).not.toBe(stale);
  });

  it('is renewed while the run holds it, and a run whose lease was taken over says so and deletes nothing of the new holder', async () => {
    // The renewal timer and the clock are fake: the test moves time instead of waiting for it.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    onTestFinished(() => void vi.useRealTimers());
    const port = new FakePort();
    const notes: string[] = [];
    const lease = await acquireLease({ port, now: Date.now, sleep: async () => undefined, progress: (t) => notes.push(t) }, { ...options, ttlSeconds: 0.3 });
    const first = port.apis[0]!.name;
    await vi.advanceTimersByTimeAsync(250);
    expect(port.calls).toContain('updateResourceServer');
    expect(port.apis[0]!.name).not.toBe(first); // a later expiry
    // Another run deleted it as expired (this one stalled) and took its own.
    port.apis = [
      {
        id: 'rs_next',
        identifier: leaseIdentifier(config.audience),
        name: 'auth0-tenants lease until 2099-01-01T00:00:00.000Z by tenants sync, ci@other pid 1',
      },
    ];
    await vi.advanceTimersByTimeAsync(250);
    expect(lease.lost).toBe(true);
    expect(notes.some((n) => n.includes('taken over by another run'))).toBe(true);
    await lease.release();
    expect(port.apis.map((a) => a.id)).toEqual(['rs_next']);
  });

  it('never touches an API at our URN that it did not write', async () => {
    const port = new FakePort();
    port.apis.push({ id: 'rs_other', identifier: leaseIdentifier(config.audience), name: 'Payments API' });
    const error = await failed(() => acquireLease({ port, ...clock(), progress: () => undefined }, options));
    expect(error.code).toBe('lease_not_ours');
    expect(port.apis).toHaveLength(1);
  });
});

describe('--exit-code and --format markdown', () => {
  it('exits 10 only with --exit-code and pending changes; without --dry-run it is refused', () => {
    expect(() => exitIfPending({ exitCode: true }, false)).not.toThrow();
    expect(() => exitIfPending({ exitCode: false }, true)).not.toThrow();
    const pending = (() => {
      try {
        exitIfPending({ exitCode: true }, true);
      } catch (e) {
        return e as TenantsError;
      }
      return undefined;
    })();
    expect(pending?.exitCode).toBe(EXIT_CODES.pending);
    expect(EXIT_CODES.pending).toBe(10);
    expect(
      Object.entries(EXIT_CODES)
        .filter(([k]) => k !== 'pending')
        .map(([, v]) => v),
    ).not.toContain(10);
    expect(() => assertExitCodeUsage({ exitCode: true, dryRun: false })).toThrow(expect.objectContaining({ code: 'exit_code_needs_dry_run' }));
  });

  it('renders a plan as a table per resource kind, folds unchanged and long tables, and escapes cells', () => {
    const items = [
      ...Array.from({ length: 25 }, (_, i) => ({ tenant: `new-${i}`, action: 'create', grantMissing: true })),
      { tenant: 'acme', action: 'update', clientId: 'c-1', changes: ['name'], grantMissing: false, duplicates: ['c-9'] },
      { tenant: 'same', action: 'unchanged', clientId: 'c-2', grantMissing: false },
      { tenant: 'gone', action: 'absent', clientId: 'c-3', grantMissing: false },
    ];
    const md = renderMarkdown('sync', { dryRun: true, prune: true, items, counts: {} });
    expect(md).toMatch(/^### `tenants sync` plan: 25 applications to create, 25 client grants to create, 1 applications to update, 2 applications to delete\n/);
    expect(md).toContain('#### Applications');
    expect(md).toContain('#### Client grants');
    expect(md).toContain('<details>\n<summary>28 to change</summary>');
    expect(md).toContain('<details>\n<summary>1 unchanged</summary>');
    expect(md).toContain('| acme | 🗑️ delete | `c-9` | duplicate of c-1 |');
    expect(md).toContain('| gone | 🗑️ delete | `c-3` |');
    const escaped = renderMarkdown('init', { dryRun: true, steps: [{ resource: 'api', action: 'update', id: 'rs|1', changes: ['<b>'], detail: 'x' }] });
    expect(escaped).toContain('| x | 🔧 update | `rs\\|1` | &lt;b&gt; |');
    expect(renderMarkdown('sync', { dryRun: true, items: [{ tenant: 'a', action: 'unchanged', grantMissing: false }] })).toMatch(/plan: no changes/);
  });
});
