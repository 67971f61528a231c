import { withClient, type Pool } from '../store/db.js';
import type { RunKind } from '../store/runs.js';

// Two workers on two machines must never run the same pass of a source at once. A PostgreSQL
// session advisory lock, held on its own connection for the whole pass, is released by the server if
// the process dies, so a SIGKILLed worker never leaves a source locked. Each kind of pass has its own
// lock (and its own cursor lane): a long backfill or sweep does not hold up the source's scheduled
// incremental passes, and their writes are idempotent upserts that commute.
const SOURCE_LOCK_SPACE = 0x6753; // "gS"
const KIND_LOCK_OFFSET: Record<RunKind, number> = { incremental: 0, backfill: 1, sweep: 2, refresh: 3, compliance: 4 };

export type LockedResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `work` while holding the source's lock for this kind of pass. `lockLost` aborts if the lock's
 * connection ends before the work does (the server restarted, an administrator ended the session):
 * the lock is then free for another worker, so the work must stop rather than run beside its pass.
 */
export async function withSourceLock<T>(pool: Pool, sourceId: number, work: (lockLost: AbortSignal) => Promise<T>, kind: RunKind = 'incremental'): Promise<LockedResult<T>> {
  // The incremental pass keeps the original key, so workers of an older build still exclude it.
  const space = kind === 'incremental' ? SOURCE_LOCK_SPACE : SOURCE_LOCK_SPACE * 16 + KIND_LOCK_OFFSET[kind];
  return withClient(pool, async (client, lockLost) => {
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [space, sourceId]);
      locked = rows[0]?.locked ?? false;
      if (!locked) return { ran: false };
      return { ran: true, value: await work(lockLost) };
    } finally {
      if (locked && !lockLost.aborted) await client.query('SELECT pg_advisory_unlock($1, $2)', [space, sourceId]).catch(() => {});
    }
  });
}
