import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { IngestionError, PermanentError, RateLimitedError, RESET_MARGIN_MS, RetryableError } from '../../ingestion/errors.js';

/** X's own explanation from an error body, for messages operators read. Never includes request headers. */
function explain(error: ApiResponseError): string {
  const data = error.data as { detail?: string; title?: string; errors?: { message?: string }[] } | undefined;
  const detail = data?.errors?.map((e) => e.message).filter(Boolean).join('; ') || data?.detail || data?.title;
  return detail ? `${detail}` : `HTTP ${error.code}`;
}

/**
 * Sorts a twitter-api-v2 failure into what the worker does next: wait for the reset X gave (429),
 * stop and tell an operator (401/403/400, a malformed body), or retry with backoff (5xx, network).
 */
export function classifyXError(error: unknown, endpoint: string): IngestionError {
  if (error instanceof IngestionError) return error;
  if (error instanceof ApiResponseError) {
    if (error.code === 429 || error.rateLimitError) {
      const reset = error.rateLimit?.reset ? new Date(error.rateLimit.reset * 1000 + RESET_MARGIN_MS) : new Date(Date.now() + 60_000);
      return new RateLimitedError(reset, `X rate limit reached on ${endpoint}; resumes at ${reset.toISOString()}`);
    }
    if (error.code === 401) return new PermanentError('X_UNAUTHORIZED', `X refused the bearer token (401 on ${endpoint}): check X_BEARER_TOKEN`);
    if (error.code === 403) return new PermanentError('X_FORBIDDEN', `X does not allow this token to use ${endpoint} (403): ${explain(error)}`);
    if (error.code === 400) return new PermanentError('X_BAD_REQUEST', `X rejected the request to ${endpoint} (400): ${explain(error)}`);
    if (error.code >= 500) return new RetryableError('X_SERVER_ERROR', `X answered ${error.code} on ${endpoint}; will retry`);
    return new PermanentError('X_HTTP_ERROR', `X answered ${error.code} on ${endpoint}: ${explain(error)}`);
  }
  if (error instanceof ApiPartialResponseError) {
    return new PermanentError('X_MALFORMED_PAYLOAD', `X sent a response on ${endpoint} that could not be read: ${error.message}`);
  }
  if (error instanceof ApiRequestError) {
    return new RetryableError('X_NETWORK', `could not reach X for ${endpoint}: ${error.requestError?.message ?? error.message}`);
  }
  if (error instanceof SyntaxError) {
    return new PermanentError('X_MALFORMED_PAYLOAD', `X sent a response on ${endpoint} that is not JSON: ${error.message}`);
  }
  return new RetryableError('X_UNEXPECTED', `unexpected failure calling X ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
}
