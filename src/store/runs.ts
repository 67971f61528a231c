import type { Queryable } from './db.js';
import { toPgJson } from './json.js';

// The run ledger: one row per pass of a source, whatever its kind, so operators and the dashboard
// can see what each run fetched, stored, dropped and waited for.

export type RunKind = 'incremental' | 'backfill' | 'sweep' | 'refresh' | 'compliance';
export type RunTrigger = 'schedule' | 'cli' | 'backfill' | 'demo';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'rate-limited' | 'interrupted';

export interface RunCounts {
  pages: number;
  fetched: number;
  newCount: number;
  updatedCount: number;
  /** Posts found removed at the source and purged to tombstones. */
  removedCount: number;
  /** Items dropped, by typed reason ("malformed", "missing-author" …). */
  dropped: Record<string, number>;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

export const emptyRunCounts = (): RunCounts => ({ pages: 0, fetched: 0, newCount: 0, updatedCount: 0, removedCount: 0, dropped: {}, rateLimitWaits: 0, rateLimitWaitMs: 0 });

export async function startRun(db: Queryable, run: { sourceId: number; campaignId: number; kind: RunKind; trigger: RunTrigger }): Promise<number> {
  // A worker that died mid-run never finished its row: close those first so the ledger stays honest.
  await db.query(
    `UPDATE ingestion_runs SET status = 'interrupted', finished_at = now(), error = 'the worker stopped before the run finished'
     WHERE source_id = $1 AND kind = $2 AND status = 'running'`,
    [run.sourceId, run.kind],
  );
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ingestion_runs (source_id, campaign_id, kind, trigger) VALUES ($1, $2, $3, $4) RETURNING id`,
    [run.sourceId, run.campaignId, run.kind, run.trigger],
  );
  return rows[0]!.id;
}

export async function finishRun(
  db: Queryable,
  runId: number,
  outcome: { status: Exclude<RunStatus, 'running'>; counts: RunCounts; error?: { code: string; message: string } },
): Promise<void> {
  const c = outcome.counts;
  await db.query(
    `UPDATE ingestion_runs SET status = $2, finished_at = now(), pages = $3, fetched = $4, new_count = $5, updated_count = $6,
       dropped = $7::jsonb, rate_limit_waits = $8, rate_limit_wait_ms = $9, error_code = $10, error = $11, removed_count = $12
     WHERE id = $1`,
    [runId, outcome.status, c.pages, c.fetched, c.newCount, c.updatedCount, toPgJson(c.dropped), c.rateLimitWaits, c.rateLimitWaitMs, outcome.error?.code ?? null, outcome.error?.message ?? null, c.removedCount],
  );
}

export interface RunRow {
  id: number;
  sourceId: number;
  kind: RunKind;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  counts: RunCounts;
  errorCode: string | null;
  error: string | null;
}

export async function recentRuns(db: Queryable, sourceId: number, limit = 20): Promise<RunRow[]> {
  const { rows } = await db.query<{
    id: number; source_id: number; kind: RunKind; trigger: RunTrigger; status: RunStatus; started_at: Date; finished_at: Date | null;
    pages: number; fetched: number; new_count: number; updated_count: number; removed_count: number; dropped: Record<string, number>;
    rate_limit_waits: number; rate_limit_wait_ms: number; error_code: string | null; error: string | null;
  }>(`SELECT * FROM ingestion_runs WHERE source_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, [sourceId, limit]);
  return rows.map((r) => ({
    id: r.id,
    sourceId: r.source_id,
    kind: r.kind,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    counts: { pages: r.pages, fetched: r.fetched, newCount: r.new_count, updatedCount: r.updated_count, removedCount: r.removed_count, dropped: r.dropped, rateLimitWaits: r.rate_limit_waits, rateLimitWaitMs: r.rate_limit_wait_ms },
    errorCode: r.error_code,
    error: r.error,
  }));
}
