import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connectionConfig, createPool } from '../../src/store/db.js';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, databaseUrl, testDatabasePrefix, testRedisPrefix } from './services.js';

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

async function createDatabase(template: string | null): Promise<TestDatabase> {
  const name = `${testDatabasePrefix(inject('testRunId'))}${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(connectionConfig(ADMIN_DATABASE_URL));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const pool = createPool(url, { max: 5, applicationName: 'groundswell-test' });
  let closed = false;
  return {
    name,
    url,
    pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** A new database with every migration applied (cloned from the run's template). */
export const migratedDatabase = () => createDatabase(inject('templateDatabase'));

/** A new, empty database: for testing migrations themselves. */
export const emptyDatabase = () => createDatabase(null);

/** A database name in this run's namespace that does not exist yet (for first-run tests). */
export const unusedDatabaseUrl = () => databaseUrl(`${testDatabasePrefix(inject('testRunId'))}${randomBytes(4).toString('hex')}`);

/** A Redis key prefix of this run's own, removed when the run ends. */
export const redisPrefix = (label = randomBytes(3).toString('hex')) => `${testRedisPrefix(inject('testRunId'))}:${label}`;

/**
 * Ends the PostgreSQL session holding an advisory lock, as an administrator or a failing network
 * would, looking only in this test's database (other test files' databases hold locks with the same
 * keys). pg_locks shows a two-key lock as (classid, objid, objsubid 2) and a bigint key's high and low
 * halves as (classid, objid, objsubid 1). Returns what pg_terminate_backend answered for each session
 * found: [true] when exactly one held the lock.
 */
async function endAdvisoryLockSession(pool: pg.Pool, lock: { classid: number; objid: number; objsubid: 1 | 2 }): Promise<boolean[]> {
  const { rows } = await pool.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ended FROM pg_locks
     WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND classid = $1 AND objid = $2 AND objsubid = $3 AND granted`,
    [lock.classid, lock.objid, lock.objsubid],
  );
  return rows.map((row) => row.ended);
}

/** Ends the session holding a refresh's or compliance check's run lease: the bigint key (0x6753 << 48) + run id (src/store/runs.ts). */
export const endRunLeaseSession = (pool: pg.Pool, runId: number) => endAdvisoryLockSession(pool, { classid: 0x6753 * 2 ** 16, objid: runId, objsubid: 1 });

/** Ends the session holding a source's incremental-pass lock: the two keys (0x6753, source id) (src/ingestion/source-lock.ts). */
export const endSourceLockSession = (pool: pg.Pool, sourceId: number) => endAdvisoryLockSession(pool, { classid: 0x6753, objid: sourceId, objsubid: 2 });

export { TEST_REDIS_URL };
