import { TenantsError } from '../core/tenants-error.js';

interface SdkError {
  name?: string;
  message?: string;
  statusCode?: number;
  body?: unknown;
  cause?: unknown;
}

const CA_HINT = 'Check AUTH0_DOMAIN and your network. For the local emulator, export NODE_EXTRA_CA_CERTS=<caCertFile from its ready line>.';

/**
 * Turns whatever the `auth0` SDK threw (its error classes changed between majors, so this looks at
 * shapes, not classes) into a TenantsError: 401/403 are credentials or permission (exit 4), the rest
 * Auth0 or network failures (exit 1). Never includes request bodies or credentials.
 */
export function toTenantsError(error: unknown, doing: string): TenantsError {
  if (error instanceof TenantsError) return error;
  const e = (error ?? {}) as SdkError;
  const body = (e.body ?? {}) as { message?: string; errorCode?: string; error_description?: string; error?: string };
  const detail = body.message ?? body.error_description ?? body.error ?? '';
  const status = e.statusCode;
  if (status === 401) {
    return new TenantsError('credentials', 'auth0_unauthorized', `Auth0 refused the credentials while ${doing}${detail ? `: ${detail}` : ''}.`, {
      hint: 'Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or AUTH0_ACCESS_TOKEN) and that AUTH0_DOMAIN is the tenant they belong to.',
    });
  }
  if (status === 403 && body.errorCode !== 'too_many_entities') {
    return new TenantsError('credentials', 'auth0_forbidden', `Auth0 denied permission while ${doing}${detail ? `: ${detail}` : ''}.`, {
      hint: 'Grant the missing scope to your M2M application: Auth0 Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications.',
    });
  }
  if (status === 403) {
    return new TenantsError('auth0', 'entity_limit', `Auth0's entity limit was reached while ${doing}: ${detail}`, {
      hint: 'Delete unused applications or move to a plan with a higher limit.',
    });
  }
  if (status === 429) {
    return new TenantsError('auth0', 'rate_limited', `Auth0's rate limit was still exceeded after retries while ${doing}.`, {
      hint: 'Re-run later: every command converges where it stopped.',
      details: { statusCode: 429, retryable: true },
    });
  }
  if (status !== undefined) {
    return new TenantsError('auth0', 'auth0_error', `Auth0 answered ${status} while ${doing}${detail ? `: ${detail}` : ''}.`, {
      hint: status >= 500 ? 'A passing Auth0 fault: re-run the command, it converges.' : undefined,
      details: { statusCode: status, retryable: status === 408 || status >= 500, ...(body.errorCode ? { errorCode: body.errorCode } : {}) },
    });
  }
  const text = [e.message, (e.cause as Error | undefined)?.message, (e.cause as { cause?: Error } | undefined)?.cause?.message].filter(Boolean).join(': ');
  const tls = /certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY/i.test(text);
  return new TenantsError('auth0', tls ? 'tls_untrusted' : 'network', `Could not reach Auth0 while ${doing}: ${text || 'connection failed'}.`, {
    hint: CA_HINT,
    details: { retryable: !tls },
  });
}

/** Whether trying again could help (rate limit, server fault, dropped connection). */
export function isRetryable(error: unknown): boolean {
  return error instanceof TenantsError && error.retryable;
}
