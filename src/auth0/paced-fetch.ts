import { retry } from '../core/retry.js';
import { RETRY_POLICIES } from '../core/retry-policies.js';
import { TenantsError } from '../core/tenants-error.js';
import { rateLimitGroup } from './rate-limit-group.js';
import type { RequestPacer } from './request-pacer.js';

/**
 * A `fetch` for the SDK that goes through the pacer, and the one place Management API requests are retried
 * (RETRY_POLICIES.request; the SDK's own retries are off). A 429 is sent again once the limit resets, whatever its
 * method: Auth0 did not process it. A dropped connection, a 5xx or a 408 is sent again only for methods that can be
 * repeated; a POST is left to the caller, who checks by tag first. Connection failures are counted: a few in a row
 * trip the pacer, and the run stops instead of retrying. When the tries run out, the SDK gets the last answer (or
 * connection failure) and reports it as it would have.
 */
export function pacedFetch(pacer: RequestPacer, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = String(input instanceof Request ? input.url : input);
    const managementCall = url.includes('/api/v2/');
    if (!managementCall) return base(input, init);
    const group = rateLimitGroup(method, new URL(url).pathname);
    let refused: Response | undefined; // the last answer a retry will replace (its body is dropped then)
    const once = async (): Promise<Response> => {
      await pacer.acquire(group);
      const sequence = pacer.sequence;
      const groupSequence = group === undefined ? undefined : pacer.groupSequence(group);
      let response: Response;
      try {
        pacer.count(method);
        response = await base(input, init);
      } catch (error) {
        pacer.connectionFailed(error);
        if (group !== undefined) pacer.unanswered(group);
        if (pacer.tripped) throw pacer.tripped;
        throw new TenantsError('auth0', 'network', `${method} ${url} got no answer.`, { cause: error });
      } finally {
        pacer.release();
      }
      pacer.connected();
      if (pacer.observe(response.status, response.headers, sequence, group, groupSequence)) {
        refused = response;
        throw new TenantsError('auth0', 'rate_limited', `${method} ${url} answered 429.`, {
          cause: response,
          // The wait Auth0 asked for (Retry-After, x-ratelimit-reset), as the pacer read it.
          details: { statusCode: 429, retryAfterMs: pacer.resumesIn(group) },
        });
      }
      if (response.status === 408 || response.status >= 500) {
        refused = response;
        throw new TenantsError('auth0', 'auth0_error', `${method} ${url} answered ${response.status}.`, {
          cause: response,
          details: { statusCode: response.status, retryable: true },
        });
      }
      return response;
    };
    const policy = {
      ...RETRY_POLICIES.request,
      retryable: (error: unknown) =>
        error instanceof TenantsError && error !== pacer.tripped && error.retryable && (method !== 'POST' || error.code === 'rate_limited'),
    };
    try {
      return await retry(
        async () => {
          await refused?.body?.cancel();
          refused = undefined;
          return await once();
        },
        policy,
        pacer,
      );
    } catch (error) {
      if (error === pacer.tripped) throw error;
      if (error instanceof TenantsError && error.cause instanceof Response) return error.cause;
      throw error instanceof TenantsError && error.code === 'network' ? error.cause : error;
    }
  };
}
