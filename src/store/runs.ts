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

/**
 * Kinds whose runs of one source may overlap: refreshes and compliance checks are safe to run from
 * several workers at once (refresh claims are SKIP LOCKED leases; a compliance job is begun once),
 * so no source lock keeps a second run out. Each of their runs holds a lease on its own row instead.
 */
export type OverlappingRunKind = Extract<RunKind, 'refresh' | 'compliance'>;
const OVERLAPPING_RUN_KINDS: ReadonlySet<RunKind> = new Set<OverlappingRunKind>(['refresh', 'compliance']);

export interface NewRun<Kind extends RunKind = RunKind> {
  sourceId: number;
  campaignId: number;
  kind: Kind;
  trigger: RunTrigger;
}

// A run's lease is a session advisory lock on its id, held by the connection that started the run
// until the run ends. PostgreSQL lets go of it when that session ends, so a 'running' row whose lease
// is free has lost its worker. The int8 key's high bits keep it clear of our other advisory locks.
const RUN_LEASE_SPACE = 0x6753; // "gS", as the source locks
const runLeaseKey = (runId: string) => `(${RUN_LEASE_SPACE}::bigint << 48) + ${runId}`;

// Closes the rows of runs whose worker stopped before finishing them. Taking a row's lease proves
// its session is gone (the transaction-scoped lock is let go when the statement ends). Passes hold
// no lease, but whoever starts one holds the source's lock for its kind: no other pass of that kind
// can be live, so every row left 'running' is abandoned.
const CLOSE_ABANDONED_RUNS = `
  UPDATE ingestion_runs SET status = 'interrupted', finished_at = now(), error = 'the worker stopped before the run finished'
  WHERE source_id = $1 AND kind = $2 AND status = 'running' AND pg_try_advisory_xact_lock(${runLeaseKey('id')})`;

const INSERT_RUN = `INSERT INTO ingestion_runs (source_id, campaign_id, kind, trigger) VALUES ($1, $2, $3, $4) RETURNING id`;

/**
 * Starts a pass whose caller holds the source's lock for the kind (withSourceLock). Runs that may
 * overlap another of their kind start with startLeasedRun instead.
 */
export async function startRun(db: Queryable, run: NewRun): Promise<number> {
  if (OVERLAPPING_RUN_KINDS.has(run.kind)) throw new Error(`a ${run.kind} run may overlap another of its source: start it with startLeasedRun`);
  await db.query(CLOSE_ABANDONED_RUNS, [run.sourceId, run.kind]);
  const { rows } = await db.query<{ id: number }>(INSERT_RUN, [run.sourceId, run.campaignId, run.kind, run.trigger]);
  return rows[0]!.id;
}

/**
 * Starts a run that may overlap others of its kind and source, with its lease held on `owner`: a
 * connection kept for the whole run, until releaseRunLease.
 */
export async function startLeasedRun(owner: Queryable, run: NewRun<OverlappingRunKind>): Promise<number> {
  await owner.query(CLOSE_ABANDONED_RUNS, [run.sourceId, run.kind]);
  // Leased by the statement that inserts it, so no other session ever sees the row without its lease.
  const { rows } = await owner.query<{ id: number }>(
    `WITH run AS (${INSERT_RUN}) SELECT id, pg_advisory_lock(${runLeaseKey('id')}) FROM run`,
    [run.sourceId, run.campaignId, run.kind, run.trigger],
  );
  return rows[0]!.id;
}

export async function releaseRunLease(owner: Queryable, runId: number): Promise<void> {
  await owner.query(`SELECT pg_advisory_unlock(${runLeaseKey('$1::bigint')})`, [runId]);
}

export async function finishRun(
  db: Queryable,
  runId: number,
  outcome: { status: Exclude<RunStatus, 'running'>; counts: RunCounts; error?: { code: string; message: string } },
): Promise<void> {
  const c = outcome.counts;
  // A row is closed once. A run taken for abandoned had lost its session (and with it its lease or
  // source lock) while its code carried on: it stays 'interrupted' whatever that code reports later.
  await db.query(
    `UPDATE ingestion_runs SET status = $2, finished_at = now(), pages = $3, fetched = $4, new_count = $5, updated_count = $6,
       dropped = $7::jsonb, rate_limit_waits = $8, rate_limit_wait_ms = $9, error_code = $10, error = $11, removed_count = $12
     WHERE id = $1 AND status = 'running'`,
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
