import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '../../src/store/db.js';
import { listMigrationFiles, migrate, pendingMigrations } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { emptyDatabase, unusedDatabaseUrl, type TestDatabase } from '../support/db.js';

const opened: TestDatabase[] = [];
afterAll(async () => Promise.all(opened.map((db) => db.close())));

describe('migrations', () => {
  it('apply to an empty database, and a second run is a no-op', async () => {
    const db = await emptyDatabase();
    opened.push(db);
    const shipped = await listMigrationFiles();
    expect(await pendingMigrations(db.pool)).toEqual(shipped);

    expect(await migrate(db.url)).toEqual(shipped);
    expect(await pendingMigrations(db.pool)).toEqual([]);
    const tables = await db.pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['campaigns', 'localities', 'launches', 'sources', 'authors', 'posts', 'post_sources', 'engagement_snapshots', 'locality_attributions', 'ingestion_runs', 'users', 'sessions']),
    );

    expect(await migrate(db.url)).toEqual([]);
    const ledger = await db.pool.query('SELECT name FROM schema_migrations');
    expect(ledger.rowCount).toBe(shipped.length);
  });

  it('two migrate processes started together on a database that does not exist yet both succeed, applying each migration once', async () => {
    const url = unusedDatabaseUrl();
    const [a, b] = await Promise.all([runCli(['migrate'], { DATABASE_URL: url }), runCli(['migrate'], { DATABASE_URL: url })]);
    expect({ a: a.code, b: b.code, stderr: a.stderr + b.stderr }).toEqual({ a: 0, b: 0, stderr: '' });

    const client = new pg.Client(connectionConfig(url));
    await client.connect();
    try {
      const ledger = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
      expect(ledger.rows.map((r) => r.name)).toEqual(await listMigrationFiles());
    } finally {
      await client.end();
    }
  });

  it('a failing migration exits non-zero and leaves nothing half-applied', async () => {
    const db = await emptyDatabase();
    opened.push(db);
    // A table the first migration will try to create makes it fail part-way through.
    await db.pool.query('CREATE TABLE posts (id int)');
    const result = await runCli(['migrate'], { DATABASE_URL: db.url });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/already exists/);
    const tables = await db.pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'campaigns'`);
    expect(tables.rowCount).toBe(0);
  });
});
