import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { connectionConfig, type Queryable } from './db.js';
import { packageRoot } from '../runtime/package-root.js';

export const MIGRATIONS_TABLE = 'schema_migrations';
// One key for Groundswell's migrations, so concurrent `migrate` processes queue up instead of failing.
const MIGRATION_LOCK_KEY = 7_461_233_901;

export function migrationsDir(): string {
  return join(packageRoot(), 'src', 'store', 'migrations');
}

export interface MigrationLogger {
  info(message: string): void;
}

/**
 * Applies every pending migration, all in one transaction, under an advisory lock that a second
 * process waits on (it then finds nothing left to do). Returns the names applied.
 */
export async function migrate(databaseUrl: string, log?: MigrationLogger): Promise<string[]> {
  const applied = await runner({
    databaseUrl: connectionConfig(databaseUrl),
    dir: migrationsDir(),
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    singleTransaction: true,
    checkOrder: true,
    lockValue: MIGRATION_LOCK_KEY,
    advisoryLockMode: 'wait',
    logger: {
      debug: () => {},
      info: (message: string) => log?.info(message),
      warn: (message: string) => log?.info(message),
      error: (message: string) => log?.info(message),
    },
  });
  return applied.map((migration) => migration.name);
}

export async function listMigrationFiles(): Promise<string[]> {
  const files = await readdir(migrationsDir());
  return files.filter((file) => file.endsWith('.sql')).map((file) => file.replace(/\.sql$/, '')).sort();
}

/** Names of migrations shipped with this build that the database has not applied yet. */
export async function pendingMigrations(db: Queryable): Promise<string[]> {
  const shipped = await listMigrationFiles();
  const exists = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [MIGRATIONS_TABLE]);
  if (!exists.rows[0]?.present) return shipped;
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  const done = new Set(rows.map((row) => row.name));
  return shipped.filter((name) => !done.has(name));
}
