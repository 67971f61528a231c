import pg from 'pg';
import { connectionConfig, createPool, type Pool } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

// Every benchmark runs in its own database, created migrated and dropped afterwards, so a run never
// touches real data and two runs never collide.

export interface ThrowawayDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

const serverUrl = () => process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres';

export async function throwawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const name = `gs_bench_${label.replace(/[^a-z0-9]/g, '_')}_${process.pid}`;
  const admin = new pg.Client(connectionConfig(serverUrl()));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = createPool(url.toString(), { max: 6, applicationName: `groundswell-bench-${label}` });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client(connectionConfig(serverUrl()));
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
