import { describe, expect, it } from 'vitest';
import { RequestPacer } from '../../src/auth0/request-pacer.js';
import { rateLimitGroup } from '../../src/auth0/rate-limit-group.js';
import { RateLimiter } from '../../src/emulator/rate-limiter.js';

/** A fake clock with timers: `sleep` resolves when the driver moves time to it. */
class FakeTime {
  now = 1_000_000.123; // not on a whole second, as a real clock is not
  private timers: { at: number; resolve: () => void }[] = [];
  sleep = (ms: number) => new Promise<void>((resolve) => this.timers.push({ at: this.now + ms, resolve }));
  async run(work: Promise<unknown>): Promise<void> {
    let done = false;
    void work.finally(() => (done = true));
    for (;;) {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
      if (done) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error('deadlock: work pending and no timer');
      this.now = Math.max(this.now, next.at);
      next.resolve();
    }
  }
}

/** The emulator's buckets on the same fake clock: a global one and one per group, headers as the emulator sends them. */
function fakeAuth0(time: FakeTime, globalRps: number, groups: Record<string, number>) {
  const global = new RateLimiter(globalRps, Math.max(1, Math.round(globalRps)), () => time.now);
  const buckets = new Map(Object.entries(groups).map(([g, rps]) => [g, new RateLimiter(rps, Math.max(1, Math.round(rps)), () => time.now)]));
  const log: { at: number; group: string | undefined; status: number }[] = [];
  return {
    log,
    answer(group: string | undefined): { status: number; headers: Headers } {
      const bucket = group ? buckets.get(group) : undefined;
      let result;
      if (bucket && global.peek()) {
        result = bucket.take();
        if (result.allowed) global.take();
      } else result = global.take();
      const status = result.allowed ? 200 : 429;
      log.push({ at: time.now, group, status });
      return { status, headers: new Headers(result.headers) };
    },
  };
}

async function send(pacer: RequestPacer, server: ReturnType<typeof fakeAuth0>, group: string | undefined): Promise<void> {
  for (;;) {
    await pacer.acquire(group);
    const sequence = pacer.sequence;
    const groupSequence = group ? pacer.groupSequence(group) : undefined;
    const { status, headers } = server.answer(group);
    pacer.release();
    if (!pacer.observe(status, headers, sequence, group, groupSequence)) return;
  }
}

describe('rate-limit groups', () => {
  it('maps organization endpoints to their groups and leaves the rest to the global budget', () => {
    expect(rateLimitGroup('POST', '/api/v2/organizations')).toBe('organizations-write');
    expect(rateLimitGroup('PATCH', '/organizations/org_1')).toBe('organizations-write');
    expect(rateLimitGroup('DELETE', 'https://t.example/api/v2/organizations/org_1')).toBe('organizations-write');
    expect(rateLimitGroup('GET', '/api/v2/organizations?take=50')).toBe('organizations-read');
    expect(rateLimitGroup('GET', '/api/v2/organizations/name/acme')).toBe('organizations-read');
    expect(rateLimitGroup('POST', '/api/v2/organizations/org_1/members')).toBe('organization-members');
    expect(rateLimitGroup('POST', '/api/v2/organizations/org_1/invitations')).toBe('organization-invitations');
    expect(rateLimitGroup('GET', '/api/v2/organizations/org_1/enabled_connections')).toBe('organization-connections');
    expect(rateLimitGroup('POST', '/api/v2/clients')).toBeUndefined();
  });
});

describe('the pacer learns each group budget from the headers (fake clock)', () => {
  it('learns a 0.4/s group exactly (a 429 or two, retried) while other requests keep the global pace', async () => {
    const time = new FakeTime();
    const server = fakeAuth0(time, 20, { 'organizations-write': 0.4 });
    const pacer = new RequestPacer(20, 8, () => time.now, time.sleep);
    const start = time.now;
    const writes = Array.from({ length: 40 }, () => send(pacer, server, 'organizations-write'));
    const others = Array.from({ length: 100 }, () => send(pacer, server, undefined));
    await time.run(Promise.all([...writes, ...others]));
    const groupLog = server.log.filter((e) => e.group === 'organizations-write');
    // The reset's whole seconds leave the rate between two bounds; a couple of 429s settle it, and are sent again.
    expect(groupLog.filter((e) => e.status === 429).length).toBeLessThanOrEqual(2);
    expect(groupLog.filter((e) => e.status === 200)).toHaveLength(40);
    // The floor of 40 writes at 0.4/s is 97.5 s (the first is free).
    const writesDone = groupLog.at(-1)!.at - start;
    expect(writesDone).toBeGreaterThanOrEqual(97_500);
    expect(writesDone).toBeLessThan(97_500 * 1.1);
    // The global requests did not wait for the group: 100 at 20/s take about 5 s.
    const lastOther = server.log.filter((e) => e.group === undefined).at(-1)!.at - start;
    expect(lastOther).toBeLessThan(6_500);
    expect(server.log.filter((e) => e.group === undefined && e.status === 429)).toEqual([]);
    const learnt = pacer.groupBudget('organizations-write')!;
    expect(learnt.limit).toBe(1);
    expect(learnt.requestsPerSecond).toBeGreaterThan(0.39);
    expect(learnt.requestsPerSecond).toBeLessThanOrEqual(0.4);
  });

  it('spends a 5/s group close to its rate with a burst bucket, and recovers from a 429 by pausing only that group', async () => {
    const time = new FakeTime();
    const server = fakeAuth0(time, 20, { 'organizations-write': 5, 'organization-members': 2 });
    const pacer = new RequestPacer(20, 8, () => time.now, time.sleep);
    const start = time.now;
    await time.run(
      Promise.all([
        ...Array.from({ length: 100 }, () => send(pacer, server, 'organizations-write')),
        ...Array.from({ length: 30 }, () => send(pacer, server, 'organization-members')),
      ]),
    );
    const writes = server.log.filter((e) => e.group === 'organizations-write' && e.status === 200);
    expect(writes).toHaveLength(100);
    // Floor: (100 - 5 burst) / 5 per second = 19 s.
    const took = writes.at(-1)!.at - start;
    expect(took).toBeGreaterThanOrEqual(19_000);
    expect(took).toBeLessThan(19_000 * 1.15);
    expect(server.log.filter((e) => e.status === 429).length).toBeLessThanOrEqual(2);
    expect(server.log.filter((e) => e.group === 'organization-members' && e.status === 200)).toHaveLength(30);
  });

  it('a 429 of a group pauses that group until its reset, not the global budget', () => {
    let now = 10_000;
    const pacer = new RequestPacer(
      10,
      4,
      () => now,
      async (ms) => void (now += ms),
    );
    expect(
      pacer.observe(429, new Headers({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '13' }), 1, 'organizations-write', 1),
    ).toBe(true);
    expect(pacer.stats.rateLimited).toBe(1);
    return (async () => {
      await pacer.acquire();
      pacer.release();
      expect(now).toBe(10_000); // the global budget was not paused
      await pacer.acquire('organizations-write');
      pacer.release();
      expect(now).toBeGreaterThanOrEqual(13_000);
    })();
  });
});
