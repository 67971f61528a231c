import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Pool } from '../../src/store/db.js';

/**
 * The limit an ingest figure is printed next to: the same rows copied table to table with COPY (into
 * a table like `posts`, with its indexes), measured in the same run. Returns the seconds it took.
 */
export async function copyPostsBaseline(pool: Pool): Promise<number> {
  await pool.query('CREATE TABLE posts_copy (LIKE posts INCLUDING ALL)');
  const reader = await pool.connect();
  const writer = await pool.connect();
  const started = performance.now();
  try {
    await pipeline(reader.query(copyTo('COPY posts TO STDOUT')), writer.query(copyFrom('COPY posts_copy FROM STDIN')));
  } finally {
    reader.release();
    writer.release();
  }
  return (performance.now() - started) / 1000;
}
