import { retryableCode, type ErrorCode, type KindOf, type UsageCode } from './error-catalogue.js';

/**
 * Every failure the tool reports is a TenantsError: a stable `code` that scripts and tests match on,
 * a human `message`, an optional `hint` that names the fix, and the exit `kind` that src/cli.ts maps
 * to a process exit code. Nothing else in the code base decides exit codes.
 */
export type ErrorKind = 'usage' | 'auth0' | 'rejected' | 'credentials' | 'unreachable' | 'locked' | 'pending' | 'cancelled';

export const EXIT_CODES: Record<ErrorKind, number> = {
  auth0: 1,
  usage: 2,
  rejected: 3,
  credentials: 4,
  /** Auth0 could not be reached several times in a row: the run stopped early (re-run to converge). */
  unreachable: 4,
  /** Another run holds the project's lease in Auth0 (`lease_held`): nothing was changed. */
  locked: 5,
  /** `--dry-run --exit-code`: the plan has changes (not an error; the plan was printed). */
  pending: 10,
  cancelled: 130,
};

export class TenantsError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The command already showed the outcome (e.g. a rejected token's checklist): only the exit code is left. */
  readonly alreadyReported: boolean;

  constructor(
    kind: KindOf<C>,
    code: C,
    message: string,
    options: { hint?: string | undefined; details?: Record<string, unknown>; cause?: unknown; alreadyReported?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenantsError';
    this.kind = kind;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.alreadyReported = options.alreadyReported ?? false;
  }

  /** Whether trying again can help: the catalogue's answer, or the answer's status (5xx, 408) for auth0_error. */
  get retryable(): boolean {
    return retryableCode(this.code) || this.details?.['retryable'] === true;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const usageError = (code: UsageCode, message: string, hint?: string): TenantsError =>
  new TenantsError('usage', code, message, hint === undefined ? {} : { hint });
