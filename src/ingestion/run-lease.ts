import { withClient, type Pool } from '../store/db.js';
import { releaseRunLease, startLeasedRun, type NewRun, type OverlappingRunKind } from '../store/runs.js';

// Refreshes and compliance checks may run from several workers at once, so, unlike a pass, a run of
// theirs is not the only live one just because it started: no source lock vouches that a row left
// 'running' was abandoned. Each run holds a lease on its own ledger row instead, on a connection of
// its own for the whole run. PostgreSQL lets go of it when the worker's session ends (a SIGKILL, a
// lost machine), and only then may a later run close the row as interrupted.

/** Records a run of `run.kind` in the ledger for the span of `work`, which must finish the run. */
export async function withRunLease<T>(pool: Pool, run: NewRun<OverlappingRunKind>, work: (runId: number) => Promise<T>): Promise<T> {
  return withClient(pool, async (owner) => {
    const runId = await startLeasedRun(owner, run);
    try {
      return await work(runId);
    } finally {
      await releaseRunLease(owner, runId).catch(() => {});
    }
  });
}
