import { TenantsError } from '../core/tenants-error.js';

/**
 * Client-side pacing of Management API requests: a token bucket refilled at `maxRps` (the default is
 * safe for Auth0's published limits), bounded concurrency, and whatever Auth0's answers say
 * (`x-ratelimit-remaining` at 0 or a 429 pause everyone until `x-ratelimit-reset` or `Retry-After`).
 * The bucket holds a single token: requests leave evenly spaced. Auth0's own burst allowance (what
 * `x-ratelimit-remaining` says is left) is spent only down to a margin, which stays to absorb network
 * jitter: a 429 costs up to a second, as x-ratelimit-reset counts whole seconds.
 *
 * Endpoint groups (see rate-limit-group.ts) have budgets of their own, and their answers carry that budget's
 * headers. A group's first request goes alone; from its answers the pacer learns the group's bucket (`limit`,
 * what is `remaining`) and a lower bound of its refill rate (after a request, the bucket is full again no
 * sooner than `x-ratelimit-reset`: rate ≥ missing tokens / time to reset, the best bound kept; a bucket of one
 * is narrowed further, see `spacing`). Requests of the group then leave evenly spaced at that rate, spend what
 * the server says is left above one, wait for a token when it says none is, and a 429 pauses the group (not
 * the others) until its reset.
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
  private readonly groups = new Map<string, GroupBudget>();

  constructor(
    readonly maxRps: number,
    readonly concurrency: number,
    private readonly now: () => number = Date.now,
    /** The pacer's clock's wait (tests inject a fake one); retries of paced requests wait on it too. */
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = 1;
    this.last = now();
  }

  /**
   * Waits for a concurrency slot and a token (and, for a request of an endpoint group, the group's turn);
   * call `release()` when the answer has arrived.
   */
  async acquire(group?: string): Promise<void> {
    if (this.tripped) throw this.tripped;
    const budget = group === undefined ? undefined : this.budget(group);
    // A request waiting for its group's turn holds no concurrency slot: the other requests go on meanwhile.
    if (budget) await this.untilGroupTurn(budget);
    if (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (budget && this.groupWait(budget, now) > 0) {
        this.release();
        await this.untilGroupTurn(budget);
        if (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
        this.inFlight += 1;
        continue;
      }
      this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.maxRps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
      } else if (!(this.serverRemaining - (this.sent - this.observedAt) > RequestPacer.MARGIN)) {
        await this.sleep(Math.ceil(((1 - this.tokens) / this.maxRps) * 1000));
        continue;
      }
      this.sent += 1;
      if (budget) this.spendGroup(budget, now);
      return;
    }
  }

  private budget(group: string): GroupBudget {
    let budget = this.groups.get(group);
    if (!budget) {
      budget = {
        limit: undefined,
        remaining: 0,
        observedAt: 0,
        sent: 0,
        answered: 0,
        pausedUntil: 0,
        rps: 0,
        nextAt: 0,
        minSpacing: 0,
        sentTimes: new Map(),
        allowed: new Set(),
      };
      this.groups.set(group, budget);
    }
    return budget;
  }

  private async untilGroupTurn(budget: GroupBudget): Promise<void> {
    for (let wait = this.groupWait(budget, this.now()); wait > 0; wait = this.groupWait(budget, this.now())) await this.sleep(wait);
  }

  /** How long a request of this group must still wait (0: it may go). */
  private groupWait(b: GroupBudget, now: number): number {
    if (now < b.pausedUntil) return b.pausedUntil - now;
    // Nothing learnt yet: one request probes the budget, the others wait for its answer.
    if (b.limit === undefined) return b.sent > b.answered ? RequestPacer.PROBE_POLL_MS : 0;
    const left = b.remaining - (b.sent - b.observedAt);
    if (left > 1) return 0;
    if (b.rps > 0 && now < b.nextAt) return Math.ceil(b.nextAt - now);
    if (b.rps > 0) return 0;
    // No rate learnt and nothing left: wait for an answer in flight to say more.
    return b.sent > b.answered ? RequestPacer.PROBE_POLL_MS : 0;
  }

  private spendGroup(b: GroupBudget, now: number): void {
    const spaced = b.limit !== undefined && b.remaining - (b.sent - b.observedAt) <= 1;
    b.sent += 1;
    b.sentTimes.set(b.sent, now);
    b.sentTimes.delete(b.sent - 64);
    // Only requests sent on the learnt rate move the schedule; those spending what the server said is left do not.
    if (spaced && b.rps > 0) b.nextAt = Math.max(now, b.nextAt) + RequestPacer.spacing(b);
  }

  /**
   * The gap between two requests of a group sent on its rate. For a bucket of one (a budget under one request per
   * second, as Auth0's 25 organization writes a minute), each answer narrows the rate down: a request allowed one
   * gap after an allowed one proves the rate is at least 1/gap, a 429 that it is less; the next gap is the middle
   * of what is known, until the two ends are within 2 %.
   */
  private static spacing(b: GroupBudget): number {
    const safe = 1000 / b.rps;
    if (b.limit !== 1 || b.minSpacing <= 0 || safe - b.minSpacing <= safe * 0.02) return safe;
    return (safe + b.minSpacing) / 2;
  }

  /** How long until requests (of `group`, or all) may go again after a 429 or an exhausted budget (0: now). */
  resumesIn(group?: string): number {
    const until = group === undefined ? this.pausedUntil : this.budget(group).pausedUntil;
    return Math.max(0, until - this.now());
  }

  /** A request of the group got no answer (connection failure): it no longer holds the group's probe. */
  unanswered(group: string): void {
    this.budget(group).answered += 1;
  }

  /** What the pacer learnt of a group's budget (tests and the bench print it). */
  groupBudget(group: string): { limit: number | undefined; requestsPerSecond: number } | undefined {
    const b = this.groups.get(group);
    return b && { limit: b.limit, requestsPerSecond: b.rps };
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
  observe(status: number, headers: Headers, sentAt = this.sent, group?: string, groupSentAt?: number): boolean {
    if (group !== undefined) return this.observeGroup(this.budget(group), status, headers, groupSentAt ?? this.budget(group).sent);
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

  private observeGroup(b: GroupBudget, status: number, headers: Headers, sentAt: number): boolean {
    const sentAtSeq = sentAt;
    b.answered += 1;
    const limit = Number(headers.get('x-ratelimit-limit') ?? NaN);
    const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
    const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
    const retryAfter = Number(headers.get('retry-after') ?? NaN);
    const now = this.now();
    if (Number.isFinite(limit) && limit > 0) b.limit = limit;
    if (Number.isFinite(remaining) && sentAt >= b.observedAt) {
      b.remaining = remaining;
      b.observedAt = sentAt;
    }
    if (b.limit === undefined) b.limit = Number.isFinite(remaining) ? remaining + 1 : 1;
    if (status !== 429 && Number.isFinite(remaining) && Number.isFinite(reset) && reset * 1000 > now) {
      // After a request the bucket holds at most limit-1 and fewer than remaining+1 tokens: it misses at least
      // max(1, limit-remaining-1), refilled by the reset, so the refill rate is at least that over the time to reset.
      const missing = Math.max(1, b.limit - remaining - 1);
      b.rps = Math.max(b.rps, (missing * 1000) / (reset * 1000 - now));
      // A bucket of one is empty after a request and the reset is rounded up to a whole second: the refill takes
      // more than (time to reset - 1 s), so a gap shorter than that would be refused.
      if (b.limit === 1 && remaining === 0) b.minSpacing = Math.max(b.minSpacing, reset * 1000 - now - 1000);
    }
    if (b.limit === 1) {
      const sentAt = b.sentTimes.get(sentAtSeq);
      const previous = b.sentTimes.get(sentAtSeq - 1);
      if (sentAt !== undefined && previous !== undefined && b.allowed.has(sentAtSeq - 1)) {
        const gap = sentAt - previous;
        if (status === 429) b.minSpacing = Math.max(b.minSpacing, gap);
        else if (gap > 0) b.rps = Math.max(b.rps, 1000 / gap);
      }
      if (status !== 429) b.allowed.add(sentAtSeq);
      b.allowed.delete(sentAtSeq - 64);
      if (b.minSpacing >= 1000 / Math.max(b.rps, 1e-9)) b.minSpacing = 0; // contradicting answers (jitter): start over
    }
    let until = 0;
    if (status === 429) {
      this.stats.rateLimited += 1;
      until = Number.isFinite(retryAfter) ? now + retryAfter * 1000 : Number.isFinite(reset) ? reset * 1000 : now + 1000;
      until = Math.max(until, now + 50);
      b.remaining = 0;
      b.observedAt = b.sent;
    } else if (remaining === 0 && sentAt >= b.sent) {
      // Nothing left and nothing else in flight: wait for one token (at the learnt rate) or the reset.
      until = b.rps > 0 ? (b.sentTimes.get(sentAtSeq) ?? now) + RequestPacer.spacing(b) : Number.isFinite(reset) ? reset * 1000 : now + 1000;
    }
    if (until > b.pausedUntil) b.pausedUntil = until;
    return status === 429;
  }

  /** The sequence number of the request just acquired (for `observe`). */
  get sequence(): number {
    return this.sent;
  }

  /** How many requests of this group have been sent (for `observe` of a group's answer). */
  groupSequence(group: string): number {
    return this.budget(group).sent;
  }

  static readonly PROBE_POLL_MS = 25;

  count(method: string): void {
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
  }
}

interface GroupBudget {
  /** The bucket's size (x-ratelimit-limit), once an answer told it. */
  limit: number | undefined;
  /** What the latest answer said was left, and how many of the group's requests had been sent by then. */
  remaining: number;
  observedAt: number;
  sent: number;
  answered: number;
  pausedUntil: number;
  /** The learnt lower bound of the refill rate (0: not known yet). */
  rps: number;
  /** When the next evenly spaced request may leave. */
  nextAt: number;
  /** For a bucket of one: a gap known to be too short (0: none known). */
  minSpacing: number;
  /** When each recent request of the group was sent, and which were allowed, by sequence number. */
  sentTimes: Map<number, number>;
  allowed: Set<number>;
}
