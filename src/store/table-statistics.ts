import pg from 'pg';
import type { Queryable } from './db.js';

// Planner statistics for the tables every ingested page writes. Until a table's first ANALYZE the
// planner knows nothing of its columns and guesses: a fresh database filling fast (a first
// backfill, the demo) then gets plans that scan a whole table or index for each page, several
// times slower, until autovacuum's first analyze a minute or more later.

const INGESTION_TABLES = ['posts', 'authors', 'post_sources', 'engagement_snapshots', 'locality_attributions'];

/**
 * Analyses the ingestion tables that have never been analysed (or vacuumed: reltuples is -1 until
 * then); returns their names. Call it once they hold a few thousand rows.
 */
export async function analyzeNeverAnalyzedIngestionTables(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_class
     WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relname = ANY($1::text[]) AND reltuples < 0
     ORDER BY relname`,
    [INGESTION_TABLES],
  );
  const tables = rows.map((row) => row.relname);
  if (tables.length > 0) await db.query(`ANALYZE ${tables.map((table) => pg.escapeIdentifier(table)).join(', ')}`);
  return tables;
}
