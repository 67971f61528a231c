import { withClient, type Pool } from '../store/db.js';
import { releaseRunLease, startLeasedRun, type NewRun, type OverlappingRunKind } from '../store/runs.js';
import { PermanentError, RateLimitedError } from './errors.js';
import type { RunStop } from './interrupted-run.js';

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
 * Why a leased run stopped early without failing, if it did: its lease went, or its own signal
 * fired. A rate limit or a permanent error met on the way says more (a reset to wait for, a source
 * to fix), so it is recorded as itself.
 */
export function whyLeasedRunStopped(stopSignal: AbortSignal, leaseLost: AbortSignal, caught: unknown): RunStop | undefined {
  if (caught instanceof RateLimitedError || caught instanceof PermanentError) return undefined;
  if (leaseLost.aborted) return RUN_LEASE_LOST;
  return stopSignal.aborted ? RUN_STOPPED : undefined;
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
