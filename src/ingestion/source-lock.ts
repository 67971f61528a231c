import type { Pool } from '../store/db.js';

// Two workers on two machines must never run the same source at once. A PostgreSQL session
// advisory lock, held on its own connection for the whole pass, is released by the server if the
// process dies, so a SIGKILLed worker never leaves a source locked.
const SOURCE_LOCK_SPACE = 0x6753; // "gS"

export type LockedResult<T> = { ran: true; value: T } | { ran: false };

export async function withSourceLock<T>(pool: Pool, sourceId: number, work: () => Promise<T>): Promise<LockedResult<T>> {
  const client = await pool.connect();
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [SOURCE_LOCK_SPACE, sourceId]);
    locked = rows[0]?.locked ?? false;
    if (!locked) return { ran: false };
    return { ran: true, value: await work() };
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1, $2)', [SOURCE_LOCK_SPACE, sourceId]).catch(() => {});
    client.release();
  }
}
