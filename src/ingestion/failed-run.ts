import type { Queryable } from '../store/db.js';
import { finishRun, type RunCounts } from '../store/runs.js';
import { asIngestionError, RateLimitedError, type IngestionError } from './errors.js';

/**
 * Closes a run that stopped on an error, in the ledger: 'rate-limited' when X's window ran out (a
 * delayed job carries on), 'failed' otherwise, with the error's code and message. Returns the error
 * as a typed ingestion error for the caller to report or rethrow.
 */
export async function finishFailedRun(db: Queryable, runId: number, counts: RunCounts, caught: unknown): Promise<IngestionError> {
  const error = asIngestionError(caught);
  await finishRun(db, runId, { status: error instanceof RateLimitedError ? 'rate-limited' : 'failed', counts, error: { code: error.code, message: error.message } });
  return error;
}
