import type { Queryable } from '../store/db.js';
import { finishRun, type RunCounts } from '../store/runs.js';
import { RetryableError } from './errors.js';

// A pass holds its source's lock, and a refresh or compliance run the lease on its own ledger row,
// on a connection of its own for the whole run (withSourceLock, withRunLease). If that connection
// ends mid-run (the server restarted, an administrator ended the session, the network dropped),
// PostgreSQL lets go of the lock or lease: another worker may now start the same pass, or close this
// run's row as abandoned. So the run stops at its next step rather than carry on unseen.

/** Why a run stopped before its end without failing, as the ledger records it. */
export interface RunStop {
  code: string;
  message: string;
}

/** What a run checks between its steps: its own signal (shutdown, Ctrl-C), if any, or the loss of its lock's or lease's connection. */
export function runStopSignal(own: AbortSignal | undefined, connectionLost: AbortSignal): AbortSignal {
  return own ? AbortSignal.any([own, connectionLost]) : connectionLost;
}

/**
 * Closes a run that stopped early as 'interrupted', with why. `db` is the pool, never the connection
 * that was lost; a row another worker has closed meanwhile keeps what that worker wrote (finishRun).
 * Returns the stop as an error, for callers that report a stop by throwing: retryable, since the
 * next run carries on from what this one stored.
 */
export async function finishInterruptedRun(db: Queryable, runId: number, counts: RunCounts, why: RunStop): Promise<RetryableError> {
  await finishRun(db, runId, { status: 'interrupted', counts, error: why });
  return new RetryableError(why.code, why.message);
}
