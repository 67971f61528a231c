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

export { TEST_REDIS_URL };
