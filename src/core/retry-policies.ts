import type { RetryPolicy } from './retry.js';
import { TenantsError } from './tenants-error.js';

/**
 * Every retry in the tool, in one table (each used through `retry`, src/core/retry.ts). Polls that wait for Auth0 to
 * finish something (an Action build, a deployment, the user search index, an export job, another run's lease) are
 * not retries: they wait up to a deadline and say so.
 */
export const RETRY_POLICIES = {
  /**
   * One Management API request (src/auth0/paced-fetch.ts). A 429 is always sent again (Auth0 did not process it),
   * after the wait Auth0 asked for; a dropped connection, a 5xx or a 408 only for methods that can be repeated
   * (a POST is left to its caller, who checks first whether it happened). Connection failures in a row trip the
   * pacer before this runs out.
   */
  request: { attempts: 12, baseDelayMs: 250, maxDelayMs: 4_000 },
  /** Creating a user client grant: a 409 on a later try means an earlier answer was lost (the grant exists). */
  grant: { attempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 },
  /** Binding the Action to post-login right after a deploy, which Auth0 refuses now and then; not on credentials. */
  binding: {
    attempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 2_000,
    retryable: (error) => !(error instanceof TenantsError && error.kind === 'credentials'),
  },
  /** Rounds settling creates whose answer was lost (`applySync`): each re-lists the applications by tag first. */
  settle: { attempts: 5, baseDelayMs: 500, maxDelayMs: 2_000 },
} as const satisfies Record<string, RetryPolicy>;
