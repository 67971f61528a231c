import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Pool } from '../../src/store/db.js';

/** How many times the COPY is measured: one COPY of a few seconds swings by a third here (checkpoints, the neighbours). */
const COPY_RUNS = 3;

/**
 * The limit an ingest figure is printed next to: the same rows copied table to table with COPY (into
 * a table like `posts`, with its indexes), measured in the same run, three times into fresh tables.
 * Returns the median seconds, and every run's.
 */
export async function copyPostsBaseline(pool: Pool): Promise<{ seconds: number; runs: number[] }> {
  const runs: number[] = [];
  for (let run = 0; run < COPY_RUNS; run += 1) {
    await pool.query('DROP TABLE IF EXISTS posts_copy');
    await pool.query('CREATE TABLE posts_copy (LIKE posts INCLUDING ALL)');
    // Each copy starts as the ingest did, with no other writer's dirty pages to flush first. A role
    // that may not checkpoint gets the buffers as they are.
    await pool.query('CHECKPOINT').catch(() => undefined);
    const reader = await pool.connect();
    const writer = await pool.connect();
    const started = performance.now();
    try {
      await pipeline(reader.query(copyTo('COPY posts TO STDOUT')), writer.query(copyFrom('COPY posts_copy FROM STDIN')));
    } finally {
      reader.release();
      writer.release();
    }
    runs.push((performance.now() - started) / 1000);
  }
  await pool.query('DROP TABLE posts_copy');
  return { seconds: [...runs].sort((a, b) => a - b)[Math.floor(COPY_RUNS / 2)]!, runs };
}
