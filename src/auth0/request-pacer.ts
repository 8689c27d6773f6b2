import { TenantsError } from '../core/tenants-error.js';

/**
 * Client-side pacing of Management API requests: a token bucket refilled at `maxRps` (the default is
 * safe for Auth0's published limits), bounded concurrency, and whatever Auth0's answers say
 * (`x-ratelimit-remaining` at 0 or a 429 pause everyone until `x-ratelimit-reset` or `Retry-After`).
 * The bucket holds a single token: requests leave evenly spaced. Auth0's own burst allowance (what
 * `x-ratelimit-remaining` says is left) is spent only down to a margin, which stays to absorb network
 * jitter: a 429 costs up to a second, as x-ratelimit-reset counts whole seconds.
 */
export class RequestPacer {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private inFlight = 0;
  private sent = 0;
  /** What the most recent answer said was left, and how many requests had been sent by then. */
  private serverRemaining = 0;
  private observedAt = 0;
  static readonly MARGIN = 5;
  private readonly waiting: (() => void)[] = [];
  readonly stats = { byMethod: {} as Record<string, number>, rateLimited: 0, connectionFailures: 0 };
  /** Consecutive connection failures (refused, reset, DNS, TLS) after which the run stops. */
  static readonly BREAK_AFTER = 3;
  private consecutiveFailures = 0;
  /** Set once Auth0 could not be reached BREAK_AFTER times in a row: every later request fails at once with it. */
  tripped: TenantsError | undefined;
  private readonly tripListeners: (() => void)[] = [];

  constructor(
    readonly maxRps: number,
    readonly concurrency: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = 1;
    this.last = now();
  }

  /** Waits for a concurrency slot and a token; call `release()` when the answer has arrived. */
  async acquire(): Promise<void> {
    if (this.tripped) throw this.tripped;
    if (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.maxRps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.sent += 1;
        return;
      }
      if (this.serverRemaining - (this.sent - this.observedAt) > RequestPacer.MARGIN) {
        this.sent += 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.maxRps) * 1000));
    }
  }

  /** Requests holding a slot now (sent or about to be). */
  get active(): number {
    return this.inFlight;
  }

  /** A request failed to connect; after BREAK_AFTER in a row, the pacer trips and refuses the rest. */
  connectionFailed(error: unknown): void {
    this.stats.connectionFailures += 1;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures < RequestPacer.BREAK_AFTER || this.tripped) return;
    const cause = error instanceof Error ? [error.message, (error.cause as Error | undefined)?.message].filter(Boolean).join(': ') : String(error);
    this.tripped = new TenantsError(
      'unreachable',
      'auth0_unreachable',
      `Auth0 could not be reached ${this.consecutiveFailures} times in a row (${cause || 'connection failed'}); stopped early.`,
      {
        hint: 'Check your network and https://status.auth0.com, then re-run the same command: it converges where it stopped.',
      },
    );
    this.tripListeners.splice(0).forEach((listener) => listener());
  }

  /** An answer arrived (whatever its status): the connection works. */
  connected(): void {
    this.consecutiveFailures = 0;
  }

  onTrip(listener: () => void): void {
    if (this.tripped) listener();
    else this.tripListeners.push(listener);
  }

  release(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }

  /** Learns from an answer's headers; returns true when it was a 429 (the request must be sent again). */
  observe(status: number, headers: Headers, sentAt = this.sent): boolean {
    const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
    if (Number.isFinite(remaining) && sentAt >= this.observedAt) {
      this.serverRemaining = remaining;
      this.observedAt = sentAt;
    }
    const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
    const retryAfter = Number(headers.get('retry-after') ?? NaN);
    const now = this.now();
    let until = 0;
    if (status === 429) {
      this.stats.rateLimited += 1;
      until = Number.isFinite(retryAfter) ? now + retryAfter * 1000 : Number.isFinite(reset) ? reset * 1000 : now + 1000;
      until = Math.max(until, now + 50);
    } else if (remaining === 0 && Number.isFinite(reset)) {
      until = reset * 1000;
    }
    if (until > this.pausedUntil) this.pausedUntil = until;
    return status === 429;
  }

  /** The sequence number of the request just acquired (for `observe`). */
  get sequence(): number {
    return this.sent;
  }

  count(method: string): void {
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
  }
}
