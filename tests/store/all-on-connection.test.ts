import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOnConnection, withTransaction } from '../../src/store/db.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await db.pool.query('CREATE TABLE sent_together (n integer)');
});
afterAll(async () => db.close());

const rows = async () => (await db.pool.query<{ n: number }>('SELECT n FROM sent_together ORDER BY n')).rows.map((row) => row.n);

describe('statements sent together in a transaction', () => {
  it('all run, in the order given, without leaning on the queue node-postgres is dropping', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await withTransaction(db.pool, async (tx) => {
        await allOnConnection([
          tx.query('INSERT INTO sent_together VALUES (1)'),
          undefined,
          tx.query('INSERT INTO sent_together SELECT max(n) + 1 FROM sent_together'),
          tx.query('INSERT INTO sent_together SELECT max(n) + 1 FROM sent_together'),
        ]);
      });
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((message) => message.includes('already executing a query'))).toEqual([]);
    expect(await rows()).toEqual([1, 2, 3]);
    await db.pool.query('DELETE FROM sent_together');
  });

  it('are all finished before a failure is reported, so no follow-up statement escapes the rollback', async () => {
    let followUpSent = false;
    const attempt = withTransaction(db.pool, async (tx) => {
      await allOnConnection([
        Promise.reject(new Error('refused before it was sent')),
        (async () => {
          await tx.query('SELECT pg_sleep(0.1)');
          // Sent after the failure above: with Promise.all it would follow the ROLLBACK and commit on its own.
          await tx.query('INSERT INTO sent_together VALUES (4)');
          followUpSent = true;
        })(),
      ]);
    });
    await expect(attempt).rejects.toThrow('refused before it was sent');
    expect(followUpSent).toBe(true);
    expect(await rows()).toEqual([]);
  });
});
