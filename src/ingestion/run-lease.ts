import { withClient, type Pool, type Queryable } from '../store/db.js';
import { releaseRunLease, startLeasedRun, type NewRun, type OverlappingRunKind, type RunCounts } from '../store/runs.js';
import { PermanentError, RateLimitedError, type IngestionError } from './errors.js';
import { finishFailedRun } from './failed-run.js';
import { finishInterruptedRun, type RunStop } from './interrupted-run.js';

// Refreshes and compliance checks may run from several workers at once, so, unlike a pass, a run of
// theirs is not the only live one just because it started: no source lock vouches that a row left
// 'running' was abandoned. Each run holds a lease on its own ledger row instead, on a connection of
// its own for the whole run. PostgreSQL lets go of it when the worker's session ends (a SIGKILL, a
// lost machine), and only then may a later run close the row as interrupted.

/** How a run records that it stopped because `leaseLost` fired (see interrupted-run.ts). */
export const RUN_LEASE_LOST: RunStop = {
  code: 'RUN_LEASE_LOST',
  message:
    "the run lost its lease on its ledger row (its PostgreSQL connection ended) and stopped, so that it never carries on after another worker may have closed its row as abandoned; the next run carries on from what this one stored",
};

/** How a run records that its own signal stopped it (shutdown, Ctrl-C). */
const RUN_STOPPED: RunStop = { code: 'INTERRUPTED', message: 'stopped before the run finished; the next run carries on from what this one stored' };

/**
 * Closes a leased run whose work threw, in the ledger, and returns the error to rethrow: interrupted
 * when its lease went (RUN_LEASE_LOST) or its own signal fired (INTERRUPTED), else as the error says
 * (finishFailedRun). A rate limit or a permanent error met on the way says more (a reset to wait
 * for, a source to fix), so it is recorded as itself even then. `db` is the pool, never the lease's
 * own connection, which may be the one that was lost.
 */
export async function finishThrownLeasedRun(
  db: Queryable,
  runId: number,
  counts: RunCounts,
  caught: unknown,
  stops: { signal: AbortSignal; leaseLost: AbortSignal },
): Promise<IngestionError> {
  const says = caught instanceof RateLimitedError || caught instanceof PermanentError;
  const stopped = says ? undefined : stops.leaseLost.aborted ? RUN_LEASE_LOST : stops.signal.aborted ? RUN_STOPPED : undefined;
  return stopped ? finishInterruptedRun(db, runId, counts, stopped) : finishFailedRun(db, runId, counts, caught);
}

/**
 * Records a run of `run.kind` in the ledger for the span of `work`, which must finish the run.
 * `leaseLost` aborts if the lease's connection ends before the work does: the row may then be closed
 * as abandoned by another worker, so the work must stop at its next step (RUN_LEASE_LOST).
 */
export async function withRunLease<T>(pool: Pool, run: NewRun<OverlappingRunKind>, work: (runId: number, leaseLost: AbortSignal) => Promise<T>): Promise<T> {
  return withClient(pool, async (owner, leaseLost) => {
    const runId = await startLeasedRun(owner, run);
    try {
      return await work(runId, leaseLost);
    } finally {
      // A lost connection took the lease with it; there is nothing left to release on it.
      if (!leaseLost.aborted) await releaseRunLease(owner, runId).catch(() => {});
    }
  });
}
