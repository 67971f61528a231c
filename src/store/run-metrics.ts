import type { Queryable } from './db.js';

// Totals from the run ledger for /metrics. They come from PostgreSQL rather than process memory so
// that one web process reports the work of every worker process, on every machine, across restarts.

export interface SourceRunTotals {
  source: string;
  kind: string;
  status: string;
  runs: number;
  newPosts: number;
  updatedPosts: number;
  removedPosts: number;
  fetched: number;
  rateLimitWaits: number;
  rateLimitWaitSeconds: number;
  durationSeconds: number;
  /** Seconds the most recent finished run in this group (source, kind, status) took, and when it started. */
  lastDurationSeconds: number | null;
  lastStartedAt: Date | null;
}

export async function sourceRunTotals(db: Queryable): Promise<SourceRunTotals[]> {
  const { rows } = await db.query<{
    source: string; kind: string; status: string; runs: number; new_posts: number; updated_posts: number; removed_posts: number; fetched: number;
    rate_limit_waits: number; rate_limit_wait_seconds: number; duration_seconds: number; last_duration_seconds: number | null; last_started_at: Date | null;
  }>(`
    SELECT s.slug AS source, r.kind, r.status, count(*)::int AS runs,
           sum(r.new_count)::bigint AS new_posts, sum(r.updated_count)::bigint AS updated_posts, sum(r.removed_count)::bigint AS removed_posts,
           sum(r.fetched)::bigint AS fetched, sum(r.rate_limit_waits)::bigint AS rate_limit_waits,
           (sum(r.rate_limit_wait_ms) / 1000.0)::float8 AS rate_limit_wait_seconds,
           coalesce(sum(extract(epoch FROM r.finished_at - r.started_at)), 0)::float8 AS duration_seconds,
           (array_agg(extract(epoch FROM r.finished_at - r.started_at)::float8 ORDER BY r.started_at DESC) FILTER (WHERE r.finished_at IS NOT NULL))[1] AS last_duration_seconds,
           max(r.started_at) FILTER (WHERE r.finished_at IS NOT NULL) AS last_started_at
    FROM ingestion_runs r JOIN sources s ON s.id = r.source_id
    GROUP BY s.slug, r.kind, r.status
    ORDER BY s.slug, r.kind, r.status`);
  return rows.map((r) => ({
    source: r.source,
    kind: r.kind,
    status: r.status,
    runs: r.runs,
    newPosts: r.new_posts,
    updatedPosts: r.updated_posts,
    removedPosts: r.removed_posts,
    fetched: r.fetched,
    rateLimitWaits: r.rate_limit_waits,
    rateLimitWaitSeconds: r.rate_limit_wait_seconds,
    durationSeconds: r.duration_seconds,
    lastDurationSeconds: r.last_duration_seconds,
    lastStartedAt: r.last_started_at,
  }));
}
