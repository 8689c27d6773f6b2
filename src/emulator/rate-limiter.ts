/**
 * Auth0-style rate limiting: a token bucket of `limit` requests refilled at `perSecond`. Every answer
 * carries x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset (a UNIX time in seconds, as
 * Auth0 sends it); a request that finds the bucket empty is answered 429.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly limit = Math.max(1, Math.round(perSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.limit;
    this.last = now();
  }

  /** Whether a request would be allowed now, without spending anything. */
  peek(): boolean {
    const now = this.now();
    return Math.min(this.limit, this.tokens + ((now - this.last) / 1000) * this.perSecond) >= 1;
  }

  take(): { allowed: boolean; headers: Record<string, string> } {
    const now = this.now();
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    // When empty, reset is the moment one request is allowed again; otherwise when the bucket is full.
    const wait = allowed ? (this.limit - this.tokens) / this.perSecond : (1 - this.tokens) / this.perSecond;
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(this.limit),
        'x-ratelimit-remaining': String(Math.floor(this.tokens)),
        'x-ratelimit-reset': String(Math.ceil((now + wait * 1000) / 1000)),
      },
    };
  }
}
