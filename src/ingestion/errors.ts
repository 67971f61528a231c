// How a collector says what went wrong, so workers can act on it: retry with backoff, wait for the
// rate-limit reset the API gave, or stop and mark the source failing until someone fixes it.

export type IngestionErrorKind = 'retryable' | 'rate-limited' | 'permanent';

export abstract class IngestionError extends Error {
  abstract readonly kind: IngestionErrorKind;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Network errors, timeouts, 5xx: try again later with exponential backoff. */
export class RetryableError extends IngestionError {
  readonly kind = 'retryable';
}

/**
 * APIs announce their reset in whole seconds by their own clock: a retry planned from an announced
 * reset waits this much longer, once, where the error is made (so nothing downstream adds it again).
 */
export const RESET_MARGIN_MS = 1_000;

/** The API's budget is spent: wait until `resetAt` (the earliest safe retry), then continue where the pass stopped. */
export class RateLimitedError extends IngestionError {
  readonly kind = 'rate-limited';
  constructor(
    readonly resetAt: Date,
    message = `rate limit reached; resumes at ${resetAt.toISOString()}`,
  ) {
    super('RATE_LIMITED', message);
  }
}

/** Bad credentials, a bad query, a malformed payload: retrying will not help. */
export class PermanentError extends IngestionError {
  readonly kind = 'permanent';
}

export function asIngestionError(error: unknown): IngestionError {
  if (error instanceof IngestionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RetryableError('UNEXPECTED', message, { cause: error });
}
