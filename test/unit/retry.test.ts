import { describe, expect, it } from 'vitest';
import { pacedFetch } from '../../src/auth0/paced-fetch.js';
import { RequestPacer } from '../../src/auth0/request-pacer.js';
import { retry } from '../../src/core/retry.js';
import { RETRY_POLICIES } from '../../src/core/retry-policies.js';
import { TenantsError, usageError } from '../../src/core/tenants-error.js';

/** A fake clock: `sleep` moves time at once and records the wait; nothing waits for real. */
function fakeClock(start = 1_000_000) {
  const clock = { now: start, waits: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.now += ms;
    },
  };
}

const network = () => new TenantsError('auth0', 'network', 'connection reset');
const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 };

describe('retry: the one retry helper', () => {
  it('tries again after a retryable failure, waiting base * 2^n capped at the maximum, until it succeeds', async () => {
    const time = fakeClock();
    let calls = 0;
    const value = await retry(
      async (attempt) => {
        calls += 1;
        expect(attempt).toBe(calls);
        if (attempt < 4) throw network();
        return 'done';
      },
      policy,
      time,
    );
    expect(value).toBe('done');
    expect(time.clock.waits).toEqual([100, 200, 250]);
  });

  it('throws the last failure once the attempts are spent', async () => {
    const time = fakeClock();
    let calls = 0;
    const failing = retry(
      async () => {
        calls += 1;
        throw new TenantsError('auth0', 'auth0_error', `answered 503 (${calls})`, { details: { statusCode: 503, retryable: true } });
      },
      policy,
      time,
    );
    await expect(failing).rejects.toThrow('answered 503 (4)');
    expect(calls).toBe(4);
    expect(time.clock.waits).toHaveLength(3);
  });

  it("decides by the error catalogue's typed retryable: usage errors, 4xx answers and plain errors are not retried", async () => {
    for (const error of [
      usageError('invalid_option', 'bad'),
      new TenantsError('auth0', 'auth0_error', 'answered 400', { details: { statusCode: 400, retryable: false } }),
      new Error('boom'),
    ]) {
      const time = fakeClock();
      let calls = 0;
      await expect(
        retry(
          async () => {
            calls += 1;
            throw error;
          },
          policy,
          time,
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
      expect(time.clock.waits).toEqual([]);
    }
  });

  it('waits what the failure asked for (Retry-After, x-ratelimit-reset), even past the maximum', async () => {
    const time = fakeClock();
    let calls = 0;
    await retry(
      async () => {
        calls += 1;
        if (calls === 1) throw new TenantsError('auth0', 'rate_limited', '429', { details: { statusCode: 429, retryAfterMs: 7_000 } });
      },
      policy,
      time,
    );
    expect(time.clock.waits).toEqual([7_000]);
  });

  it('the binding policy retries anything but a credentials failure', async () => {
    const time = fakeClock();
    const denied = new TenantsError('credentials', 'auth0_forbidden', 'denied');
    await expect(
      retry(
        async () => {
          throw denied;
        },
        RETRY_POLICIES.binding,
        time,
      ),
    ).rejects.toBe(denied);
    expect(time.clock.waits).toEqual([]);
  });
});

/** A scripted Management API behind pacedFetch: each call takes the next answer (or throws it). */
function scripted(answers: (Response | Error)[]) {
  const seen: string[] = [];
  const base = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { base, seen };
}
const URL_CLIENTS = 'https://tenant.example.com/api/v2/clients';
const answer = (status: number, headers: Record<string, string> = {}) => new Response(JSON.stringify({ status }), { status, headers });

describe('paced requests: RETRY_POLICIES.request', () => {
  it("sends a 429 again after Auth0's Retry-After, on the pacer's clock, whatever the method", async () => {
    const time = fakeClock();
    const pacer = new RequestPacer(1000, 8, time.now, time.sleep);
    const api = scripted([answer(429, { 'retry-after': '3' }), answer(201)]);
    const response = await pacedFetch(pacer, api.base)(URL_CLIENTS, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(api.seen).toHaveLength(2);
    expect(time.clock.waits).toContain(3_000);
    expect(pacer.stats.rateLimited).toBe(1);
  });

  it('sends a GET again after a 503 or a dropped connection, with backoff; a POST gets its first 503 back', async () => {
    const time = fakeClock();
    const pacer = new RequestPacer(1000, 8, time.now, time.sleep);
    const get = scripted([answer(503), new TypeError('fetch failed'), answer(200)]);
    expect((await pacedFetch(pacer, get.base)(URL_CLIENTS)).status).toBe(200);
    expect(get.seen).toHaveLength(3);
    expect(time.clock.waits.filter((w) => w >= 250)).toEqual([250, 500]);

    const post = scripted([answer(503), answer(201)]);
    expect((await pacedFetch(pacer, post.base)(URL_CLIENTS, { method: 'POST' })).status).toBe(503);
    expect(post.seen).toHaveLength(1);
    const dropped = scripted([new TypeError('socket hang up'), answer(201)]);
    await expect(pacedFetch(pacer, dropped.base)(URL_CLIENTS, { method: 'POST' })).rejects.toThrow('socket hang up');
    expect(dropped.seen).toHaveLength(1);
  });

  it('hands the SDK the last answer when the tries run out, and stops at once when the pacer trips', async () => {
    const time = fakeClock();
    const pacer = new RequestPacer(1000, 8, time.now, time.sleep);
    const always = scripted(Array.from({ length: RETRY_POLICIES.request.attempts }, () => answer(500)));
    expect((await pacedFetch(pacer, always.base)(URL_CLIENTS, { method: 'PATCH' })).status).toBe(500);
    expect(always.seen).toHaveLength(RETRY_POLICIES.request.attempts);

    const down = scripted(Array.from({ length: 10 }, () => new TypeError('connect ECONNREFUSED')));
    await expect(pacedFetch(pacer, down.base)(URL_CLIENTS)).rejects.toMatchObject({ code: 'auth0_unreachable' });
    expect(down.seen).toHaveLength(RequestPacer.BREAK_AFTER);
  });
});
