import { STATUS_CODES } from 'node:http';

/** An error answered in Auth0's Management API shape: {statusCode, error, message, errorCode}. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
      errorCode: this.errorCode,
    };
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'inexistent_' + what, `The ${what} does not exist.`);
