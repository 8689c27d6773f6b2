import type { RequestPacer } from './request-pacer.js';

const MAX_429_RETRIES = 20;
const NETWORK_RETRIES = 3;

/**
 * A `fetch` for the SDK that goes through the pacer. A 429 is absorbed here: Auth0 did not process the
 * request, so it is sent again once the limit resets, whatever its method. A dropped connection is
 * retried only for reads and idempotent writes; a POST is left to the caller, who checks by tag first.
 * Connection failures are counted: a few in a row trip the pacer, and the run stops instead of retrying.
 */
export function pacedFetch(pacer: RequestPacer, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const managementCall = String(input instanceof Request ? input.url : input).includes('/api/v2/');
    if (!managementCall) return base(input, init);
    for (let attempt = 0; ; attempt++) {
      await pacer.acquire();
      const sequence = pacer.sequence;
      let response: Response;
      try {
        pacer.count(method);
        response = await base(input, init);
      } catch (error) {
        pacer.connectionFailed(error);
        if (pacer.tripped) throw pacer.tripped;
        if (method === 'POST' || attempt >= NETWORK_RETRIES) throw error;
        continue;
      } finally {
        pacer.release();
      }
      pacer.connected();
      if (pacer.observe(response.status, response.headers, sequence) && attempt < MAX_429_RETRIES) {
        await response.body?.cancel();
        continue;
      }
      return response;
    }
  };
}
