import type { SourceKind } from '../config/campaign-schema.js';
import type { Queryable } from './db.js';
import type { RunKind, RunStatus } from './runs.js';
import type { SourceStatus } from './sources.js';

// How each source of a campaign is doing, read from `sources` and the run ledger: status, last run
// and success, the last error, run counts over a window, and coverage gaps (stretches when a source
// kept failing or was held by rate limits, so charts can shade them instead of showing silence).

export interface RunWindow {
  since: Date;
  until: Date;
}

export interface RunTotals {
  total: number;
  succeeded: number;
  failed: number;
  rateLimited: number;
  interrupted: number;
  running: number;
  fetched: number;
  newPosts: number;
  updatedPosts: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

export interface SourceHealthRecord {
  id: number;
  slug: string;
  kind: SourceKind;
  /** The X query or the site/feed URL, as configured. */
  target: string | null;
  enabled: boolean;
  everyMs: number;
  status: SourceStatus;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: { code: string | null; message: string; at: Date | null } | null;
  runs: RunTotals;
}

interface SourceHealthDbRow {
  id: number;
  slug: string;
  kind: SourceKind;
  settings: Record<string, unknown>;
  enabled: boolean;
  every_ms: number;
  status: SourceStatus;
  last_run_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_code: string | null;
  last_error_at: Date | null;
  total: number;
  succeeded: number;
  failed: number;
  rate_limited: number;
  interrupted: number;
  running: number;
  fetched: number;
  new_posts: number;
  updated_posts: number;
  rate_limit_waits: number;
  rate_limit_wait_ms: number;
}

const target = (settings: Record<string, unknown>): string | null =>
  typeof settings.query === 'string' ? settings.query : typeof settings.url === 'string' ? settings.url : null;

/** A campaign's sources as the campaign page lists them: no run ledger, just each source's own row. */
export type CampaignSourceRecord = Pick<SourceHealthRecord, 'slug' | 'kind' | 'target' | 'enabled' | 'status' | 'lastRunAt' | 'lastSuccessAt'>;

type CampaignSourceDbRow = Pick<SourceHealthDbRow, 'slug' | 'kind' | 'settings' | 'enabled' | 'status' | 'last_run_at' | 'last_success_at'>;

const toCampaignSource = (row: CampaignSourceDbRow): CampaignSourceRecord => ({
  slug: row.slug,
  kind: row.kind,
  target: target(row.settings),
  enabled: row.enabled,
  status: row.status,
  lastRunAt: row.last_run_at,
  lastSuccessAt: row.last_success_at,
});

/** The campaign's sources, enabled first, then by slug (the order `listSourceHealth` uses). */
export async function listCampaignSources(db: Queryable, campaignId: number): Promise<CampaignSourceRecord[]> {
  const { rows } = await db.query<CampaignSourceDbRow>(
    `SELECT s.slug, s.kind, s.settings, s.enabled, s.status, s.last_run_at, s.last_success_at
     FROM sources s WHERE s.campaign_id = $1
     ORDER BY s.enabled DESC, s.slug`,
    [campaignId],
  );
  return rows.map(toCampaignSource);
}

export async function listSourceHealth(db: Queryable, campaignId: number, window: RunWindow): Promise<SourceHealthRecord[]> {
  const { rows } = await db.query<SourceHealthDbRow>(
    `SELECT s.id, s.slug, s.kind, s.settings, s.enabled, s.every_ms, s.status, s.last_run_at, s.last_success_at,
            s.last_error, s.last_error_code, s.last_error_at,
            count(r.id)::int AS total,
            count(r.id) FILTER (WHERE r.status = 'succeeded')::int AS succeeded,
            count(r.id) FILTER (WHERE r.status = 'failed')::int AS failed,
            count(r.id) FILTER (WHERE r.status = 'rate-limited')::int AS rate_limited,
            count(r.id) FILTER (WHERE r.status = 'interrupted')::int AS interrupted,
            count(r.id) FILTER (WHERE r.status = 'running')::int AS running,
            COALESCE(sum(r.fetched), 0)::bigint AS fetched,
            COALESCE(sum(r.new_count), 0)::bigint AS new_posts,
            COALESCE(sum(r.updated_count), 0)::bigint AS updated_posts,
            COALESCE(sum(r.rate_limit_waits), 0)::bigint AS rate_limit_waits,
            COALESCE(sum(r.rate_limit_wait_ms), 0)::bigint AS rate_limit_wait_ms
     FROM sources s
     LEFT JOIN ingestion_runs r ON r.source_id = s.id AND r.started_at >= $2 AND r.started_at < $3
     WHERE s.campaign_id = $1
     GROUP BY s.id
     ORDER BY s.enabled DESC, s.slug`,
    [campaignId, window.since, window.until],
  );
  return rows.map((row) => ({
    ...toCampaignSource(row),
    id: row.id,
    everyMs: row.every_ms,
    lastError: row.last_error ? { code: row.last_error_code, message: row.last_error, at: row.last_error_at } : null,
    runs: {
      total: row.total,
      succeeded: row.succeeded,
      failed: row.failed,
      rateLimited: row.rate_limited,
      interrupted: row.interrupted,
      running: row.running,
      fetched: row.fetched,
      newPosts: row.new_posts,
      updatedPosts: row.updated_posts,
      rateLimitWaits: row.rate_limit_waits,
      rateLimitWaitMs: row.rate_limit_wait_ms,
    },
  }));
}

export interface CoverageGap {
  sourceSlug: string;
  /** The kind of pass that kept failing (incremental, backfill, sweep). */
  runKind: RunKind;
  /** When the first failing or rate-limited run of the stretch started. */
  from: Date;
  /** When the next successful run finished; null while the stretch goes on. */
  to: Date | null;
  /** 'failed', 'rate-limited', or both, in the order they first occurred. */
  reasons: Exclude<RunStatus, 'running' | 'succeeded' | 'interrupted'>[];
  runs: number;
  lastErrorCode: string | null;
  lastError: string | null;
}

// Runs of one source and kind in time order are split into islands at each success (a running count
// of successes); the failed and rate-limited runs of an island form one gap, which the first success
// of the next island closes. Interrupted runs resume from their cursor, so they neither open nor close a gap.
const COVERAGE_GAPS = `
  WITH ordered AS (
    SELECT r.source_id, r.kind, r.status, r.started_at, r.finished_at, r.error_code, r.error, r.id,
           count(*) FILTER (WHERE r.status = 'succeeded') OVER (PARTITION BY r.source_id, r.kind ORDER BY r.started_at, r.id) AS island
    FROM ingestion_runs r
    WHERE r.campaign_id = $1 AND r.kind IN ('incremental', 'backfill', 'sweep')
      AND r.started_at >= $2 AND r.started_at < $3
      AND ($4::bigint IS NULL OR r.source_id = $4)
  ), gaps AS (
    SELECT source_id, kind, island, min(started_at) AS from_at, count(*)::int AS runs,
           array_agg(status ORDER BY started_at, id) AS statuses,
           (array_agg(error_code ORDER BY started_at DESC, id DESC))[1] AS last_error_code,
           (array_agg(error ORDER BY started_at DESC, id DESC))[1] AS last_error
    FROM ordered
    WHERE status IN ('failed', 'rate-limited')
    GROUP BY source_id, kind, island
  )
  SELECT s.slug AS source_slug, g.kind, g.from_at, g.runs, g.statuses, g.last_error_code, g.last_error,
         (SELECT min(o.finished_at) FROM ordered o
          WHERE o.source_id = g.source_id AND o.kind = g.kind AND o.island = g.island + 1 AND o.status = 'succeeded') AS to_at
  FROM gaps g JOIN sources s ON s.id = g.source_id
  ORDER BY g.from_at, s.slug`;

export async function listCoverageGaps(db: Queryable, campaignId: number, window: RunWindow, options: { sourceId?: number } = {}): Promise<CoverageGap[]> {
  const { rows } = await db.query<{
    source_slug: string;
    kind: RunKind;
    from_at: Date;
    to_at: Date | null;
    runs: number;
    statuses: CoverageGap['reasons'];
    last_error_code: string | null;
    last_error: string | null;
  }>(COVERAGE_GAPS, [campaignId, window.since, window.until, options.sourceId ?? null]);
  return rows.map((row) => ({
    sourceSlug: row.source_slug,
    runKind: row.kind,
    from: row.from_at,
    to: row.to_at,
    reasons: [...new Set(row.statuses)],
    runs: row.runs,
    lastErrorCode: row.last_error_code,
    lastError: row.last_error,
  }));
}
