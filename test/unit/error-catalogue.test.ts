import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/core/error-catalogue.js';
import { EXIT_CODES, TenantsError } from '../../src/core/tenants-error.js';
import { isRetryable, toTenantsError } from '../../src/auth0/to-tenants-error.js';

describe('the error catalogue', () => {
  it('gives every code a kind with an exit code, and errors take their exit code and retryability from it', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(EXIT_CODES[entry.kind], code).toBeGreaterThan(0);
      const error = new TenantsError(entry.kind as never, code as ErrorCode, 'x');
      expect(error.exitCode).toBe(EXIT_CODES[entry.kind]);
    }
    expect(new TenantsError('usage', 'config_invalid', 'x').exitCode).toBe(2);
    expect(new TenantsError('auth0', 'rate_limited', 'x').retryable).toBe(true);
    expect(new TenantsError('auth0', 'entity_limit', 'x').retryable).toBe(false);
  });

  it('decides retryable Auth0 answers by status: 5xx and 408 yes, 4xx no; a dropped connection yes, an untrusted certificate no', () => {
    expect(isRetryable(toTenantsError({ statusCode: 503 }, 'x'))).toBe(true);
    expect(isRetryable(toTenantsError({ statusCode: 408 }, 'x'))).toBe(true);
    expect(isRetryable(toTenantsError({ statusCode: 400 }, 'x'))).toBe(false);
    expect(isRetryable(toTenantsError({ message: 'socket hang up' }, 'x'))).toBe(true);
    expect(isRetryable(toTenantsError({ message: 'self-signed certificate' }, 'x'))).toBe(false);
  });
});
