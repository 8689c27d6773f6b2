import { TenantsError } from './tenants-error.js';

/**
 * How a failing operation is tried again: the one policy type every retry in the tool uses. A failure is
 * retried when `retryable` says so (by default the error catalogue's typed `retryable`: rate limits, dropped
 * connections, 5xx and 408 answers), at most `attempts` tries in all. The wait before try n+1 is what the
 * failure asked for (`details.retryAfterMs`: Auth0's `Retry-After` or `x-ratelimit-reset`, as the request pacer
 * read them), else `baseDelayMs * 2^(n-1)`, at most `maxDelayMs`.
 */
export interface RetryPolicy {
  /** Tries in all, the first included (1: never retried). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Which failures are worth another try; default: the catalogue's `retryable` (TenantsError.retryable). */
  retryable?: (error: unknown) => boolean;
}

/** Calls `fn` (with the try's number, from 1) until it succeeds, or throws the last failure. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, deps: { sleep: (ms: number) => Promise<void> }): Promise<T> {
  const retryable = policy.retryable ?? ((error: unknown) => error instanceof TenantsError && error.retryable);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      await deps.sleep(retryDelay(policy, attempt, error));
    }
  }
}

/** The wait after the `attempt`-th try failed with `error`. */
function retryDelay(policy: RetryPolicy, attempt: number, error: unknown): number {
  const asked = error instanceof TenantsError ? error.details?.['retryAfterMs'] : undefined;
  if (typeof asked === 'number' && Number.isFinite(asked) && asked >= 0) return asked;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}
