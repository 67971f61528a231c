import type { EngagementMetrics, PostRemoval } from '../domain/post.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { toPgJson } from './json.js';
import { markRollupHoursDirty } from '../analytics/rollups/mark-dirty.js';
import { tombstonePosts } from './posts.js';

// The engagement refresh's tables: the per-post schedule (engagement_refresh_schedule) and the daily
// read ledger (x_daily_reads). Posts are enrolled when the refresh first sees them; due posts (and,
// for compliance rechecks, posts unread for too long) are claimed under SKIP LOCKED with a lease and
// charged to the day's budget in one transaction, so two workers neither read one post twice nor
// overspend the budget between them.

/** Start of the UTC day containing `at`, as YYYY-MM-DD (X charges each post once per UTC day). */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

export interface EnrolCandidate {
  postId: number;
  postedAt: Date;
  /** When the post's metrics were last stored (by the collection that found it). */
  seenAt: Date;
  /** Launches of the campaigns the post matched. */
  launches: Date[];
}

/** X posts that matched a campaign and have no schedule yet, oldest id first. */
export async function findPostsToEnrol(db: Queryable, limit: number): Promise<EnrolCandidate[]> {
  const { rows } = await db.query<{ post_id: number; posted_at: Date; seen_at: Date; launches: Date[] | null }>(
    `SELECT p.id AS post_id, p.created_at AS posted_at, COALESCE(p.metrics_at, p.first_seen_at) AS seen_at,
            (SELECT array_agg(DISTINCT l.at) FROM post_sources ps JOIN launches l ON l.campaign_id = ps.campaign_id AND l.enabled
             WHERE ps.post_id = p.id AND ps.relation = 'match') AS launches
     FROM posts p
     WHERE p.platform = 'x' AND p.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM engagement_refresh_schedule r WHERE r.post_id = p.id)
       AND EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.relation = 'match')
     ORDER BY p.id
     LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ postId: r.post_id, postedAt: r.posted_at, seenAt: r.seen_at, launches: r.launches ?? [] }));
}

export interface ScheduleEntry {
  postId: number;
  postedAt: Date;
  /** null: nothing left to read. */
  nextRefreshAt: Date | null;
}

/**
 * Adds schedules for posts that have none (a post enrolled meanwhile by another worker is left alone).
 * `enrolledAt` is the caller's clock, not the database's: compliance rechecks count a post never read
 * from it, against that same clock.
 */
export async function insertRefreshSchedules(db: Queryable, entries: readonly ScheduleEntry[], enrolledAt: Date): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = [...entries]
    .sort((a, b) => a.postId - b.postId)
    .map((e) => ({ post_id: e.postId, posted_at: e.postedAt.toISOString(), next_refresh_at: e.nextRefreshAt?.toISOString() ?? null }));
  const { rowCount } = await db.query(
    `INSERT INTO engagement_refresh_schedule (post_id, posted_at, next_refresh_at, enrolled_at)
     SELECT post_id, posted_at, next_refresh_at, $2 FROM json_to_recordset($1::json) AS r(post_id bigint, posted_at timestamptz, next_refresh_at timestamptz)
     ON CONFLICT (post_id) DO NOTHING`,
    [toPgJson(rows), enrolledAt],
  );
  return rowCount ?? 0;
}

/** Ends the schedules of posts purged to tombstones by any path (collection, compliance). */
export async function endSchedulesOfRemovedPosts(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE engagement_refresh_schedule r SET next_refresh_at = NULL, leased_until = NULL
     FROM posts p WHERE p.id = r.post_id AND p.deleted_at IS NOT NULL AND r.next_refresh_at IS NOT NULL`,
  );
  return rowCount ?? 0;
}

export interface RefreshClaim {
  postId: number;
  externalId: string;
  /** The id to look up: the newest version of an edited post. */
  lookupId: string;
  postedAt: Date;
  launches: Date[];
  /** True when this read counts against today's budget (the post was not read yet today). */
  charged: boolean;
}

export interface ClaimResult {
  claims: RefreshClaim[];
  /** Posts charged to today's budget by this claim. */
  charged: number;
  /** What is left of today's budget after this claim. */
  budgetRemaining: number;
  /** Posts were left unclaimed because today's budget (for rechecks: today's recheck cap) is spent. */
  budgetExhausted: boolean;
}

/** Which posts a claim takes. */
export type ClaimSelection =
  /** Posts whose next scheduled read is due, oldest due first. */
  | { kind: 'due' }
  /**
   * Compliance rechecks: posts not due that have not been read since `readBefore` (a post never read
   * counts from its enrolment, when its collection had just seen it), longest unread first. At most
   * `dailyCap` of them are charged per UTC day, counted in x_daily_reads.rechecks_read.
   */
  | { kind: 'stale'; readBefore: Date; dailyCap: number };

// The part of the claim query that differs by selection. Due posts are found through the partial
// index on next_refresh_at; stale ones through engagement_refresh_stale (migration 0011), whose
// expression the WHERE and ORDER BY repeat to the letter so the planner can walk it.
const CLAIM_SELECTIONS: Record<ClaimSelection['kind'], { where: string; orderBy: string }> = {
  due: { where: `r.next_refresh_at <= $1`, orderBy: `r.next_refresh_at, r.post_id` },
  stale: {
    where: `(r.next_refresh_at IS NULL OR r.next_refresh_at > $1) AND COALESCE(r.last_read_at, r.enrolled_at) <= $5`,
    orderBy: `COALESCE(r.last_read_at, r.enrolled_at), r.post_id`,
  },
};

const claimQuery = (kind: ClaimSelection['kind']) => `
  SELECT r.post_id, p.external_id, p.edit_history_ids, r.posted_at, (r.last_read_at IS NULL OR r.last_read_at < $3) AS charged
  FROM engagement_refresh_schedule r JOIN posts p ON p.id = r.post_id
  WHERE ${CLAIM_SELECTIONS[kind].where} AND (r.leased_until IS NULL OR r.leased_until <= $1) AND p.deleted_at IS NULL
    AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = r.post_id AND ps.campaign_id = $4 AND ps.relation = 'match'))
  ORDER BY ${CLAIM_SELECTIONS[kind].orderBy}
  LIMIT $2
  FOR UPDATE OF r SKIP LOCKED`;

export interface ClaimOptions {
  now: Date;
  limit: number;
  dailyBudget: number;
  /** How long the claim holds the posts; a worker that dies frees them when it runs out. */
  leaseMs: number;
  /** Only posts that matched this campaign. */
  campaignId?: number;
}

/**
 * Claims up to `limit` due posts, oldest due first, skipping posts another worker holds, and
 * charges the new reads to today's budget, all in one transaction. The ledger row is locked for that
 * transaction only, so concurrent claims queue for a few milliseconds, never for a lookup.
 */
export async function claimDueRefreshes(pool: Pool, options: ClaimOptions): Promise<ClaimResult> {
  return claimRefreshes(pool, options, { kind: 'due' });
}

/**
 * Claims posts for compliance rechecks as claimDueRefreshes claims due ones (same lease, same
 * budget), within what is left of today's recheck cap.
 */
export async function claimStaleRefreshes(pool: Pool, options: ClaimOptions & { readBefore: Date; dailyCap: number }): Promise<ClaimResult> {
  const { readBefore, dailyCap, ...claim } = options;
  return claimRefreshes(pool, claim, { kind: 'stale', readBefore, dailyCap });
}

async function claimRefreshes(pool: Pool, options: ClaimOptions, selection: ClaimSelection): Promise<ClaimResult> {
  const day = utcDay(options.now);
  const dayStart = new Date(`${day}T00:00:00.000Z`);
  return withTransaction(pool, async (tx) => {
    await tx.query(`INSERT INTO x_daily_reads (day, posts_read) VALUES ($1, 0) ON CONFLICT (day) DO NOTHING`, [day]);
    const ledger = await tx.query<{ posts_read: number; rechecks_read: number }>(`SELECT posts_read, rechecks_read FROM x_daily_reads WHERE day = $1 FOR UPDATE`, [day]);
    let remaining = Math.max(0, options.dailyBudget - (ledger.rows[0]?.posts_read ?? 0));
    let limit = options.limit;
    const params: unknown[] = [options.now, limit, dayStart, options.campaignId ?? null];
    if (selection.kind === 'stale') {
      remaining = Math.min(remaining, Math.max(0, selection.dailyCap - (ledger.rows[0]?.rechecks_read ?? 0)));
      // A stale post was not read today (rechecks wait a day at least), so every one is charged:
      // none past what is left could be taken, and once the cap is spent the query is not worth running.
      limit = Math.min(limit, remaining);
      if (limit === 0) return { claims: [], charged: 0, budgetRemaining: remaining, budgetExhausted: true };
      params[1] = limit;
      params.push(selection.readBefore);
    }

    const { rows } = await tx.query<{ post_id: number; external_id: string; edit_history_ids: string[] | null; posted_at: Date; charged: boolean }>(claimQuery(selection.kind), params);
    const chosen: typeof rows = [];
    let charged = 0;
    let budgetExhausted = false;
    for (const row of rows) {
      if (row.charged) {
        if (remaining === 0) {
          budgetExhausted = true;
          continue;
        }
        remaining -= 1;
        charged += 1;
      }
      chosen.push(row);
    }
    if (chosen.length === 0) return { claims: [], charged: 0, budgetRemaining: remaining, budgetExhausted };

    const ids = chosen.map((row) => row.post_id);
    await tx.query(`UPDATE engagement_refresh_schedule SET leased_until = $2 WHERE post_id = ANY($1::bigint[])`, [ids, new Date(options.now.getTime() + options.leaseMs)]);
    if (charged > 0) {
      await tx.query(`UPDATE x_daily_reads SET posts_read = posts_read + $2, rechecks_read = rechecks_read + $3 WHERE day = $1`, [day, charged, selection.kind === 'stale' ? charged : 0]);
    }
    const launches = await tx.query<{ post_id: number; launches: Date[] }>(
      `SELECT ps.post_id, array_agg(DISTINCT l.at) AS launches
       FROM post_sources ps JOIN launches l ON l.campaign_id = ps.campaign_id AND l.enabled
       WHERE ps.post_id = ANY($1::bigint[]) AND ps.relation = 'match'
       GROUP BY ps.post_id`,
      [ids],
    );
    const launchesByPost = new Map(launches.rows.map((r) => [r.post_id, r.launches]));
    return {
      claims: chosen.map((row) => ({
        postId: row.post_id,
        externalId: row.external_id,
        lookupId: row.edit_history_ids?.at(-1) ?? row.external_id,
        postedAt: row.posted_at,
        launches: launchesByPost.get(row.post_id) ?? [],
        charged: row.charged,
      })),
      charged,
      budgetRemaining: remaining,
      budgetExhausted,
    };
  });
}

/**
 * Frees claimed posts whose read did not happen, and gives their charge back to the day's budget
 * (`rechecks`: the claim was a compliance recheck, so its charge goes back to the recheck cap too).
 */
export async function releaseRefreshClaims(pool: Pool, release: { postIds: readonly number[]; refund: number; day: string; rechecks?: boolean }): Promise<void> {
  await withTransaction(pool, async (tx) => {
    if (release.postIds.length > 0) await tx.query(`UPDATE engagement_refresh_schedule SET leased_until = NULL WHERE post_id = ANY($1::bigint[])`, [[...release.postIds]]);
    if (release.refund > 0) {
      await tx.query(
        `UPDATE x_daily_reads SET posts_read = GREATEST(0, posts_read - $2), rechecks_read = GREATEST(0, rechecks_read - $3) WHERE day = $1`,
        [release.day, release.refund, release.rechecks ? release.refund : 0],
      );
    }
  });
}

export interface RefreshReads {
  /** When the posts were read: metrics_at, the snapshots' captured_at and the schedule's last_read_at. */
  at: Date;
  /** Metrics X returned, by internal post id. */
  metrics: readonly { postId: number; metrics: EngagementMetrics }[];
  /** Posts X reported gone: purged to tombstones. */
  removals: readonly PostRemoval[];
  /** Every claimed post's next read (null: none), which also ends its claim. */
  next: readonly { postId: number; nextRefreshAt: Date | null }[];
}

export interface RefreshReadsResult {
  snapshots: number;
  /** Posts whose metrics differ from what was stored. */
  changed: number;
  /** Posts purged to tombstones now. */
  removed: number;
}

// Rows are locked in key order, like the collection's upserts, so a refresh and a collection batch
// touching the same posts cannot deadlock.
const UPDATE_METRICS = `
  WITH input AS (
    SELECT * FROM json_to_recordset($1::json)
      AS r(post_id bigint, like_count integer, repost_count integer, reply_count integer, quote_count integer, impression_count bigint)
  ), target AS (
    SELECT p.id,
           (p.like_count, p.repost_count, p.reply_count, p.quote_count, p.impression_count)
             IS DISTINCT FROM (i.like_count, i.repost_count, i.reply_count, i.quote_count, COALESCE(i.impression_count, p.impression_count)) AS changed
    FROM posts p JOIN input i ON i.post_id = p.id
    WHERE p.deleted_at IS NULL
    ORDER BY p.platform, p.external_id
    FOR UPDATE OF p
  )
  UPDATE posts p SET like_count = i.like_count, repost_count = i.repost_count, reply_count = i.reply_count, quote_count = i.quote_count,
                     impression_count = COALESCE(i.impression_count, p.impression_count), metrics_at = $2,
                     updated_at = CASE WHEN t.changed THEN now() ELSE p.updated_at END
  FROM input i, target t
  WHERE p.id = i.post_id AND t.id = p.id
  RETURNING p.id, t.changed`;

// Every read is a snapshot, changed or not, so engagement can be charted as it grew.
const RECORD_READ_SNAPSHOTS = `
  INSERT INTO engagement_snapshots (post_id, captured_at, like_count, repost_count, reply_count, quote_count, impression_count)
  SELECT p.id, $2, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.impression_count
  FROM posts p WHERE p.id = ANY($1::bigint[]) AND p.deleted_at IS NULL
  ON CONFLICT (post_id, captured_at) DO NOTHING`;

const ADVANCE_SCHEDULES = `
  UPDATE engagement_refresh_schedule r SET last_read_at = $2, reads = r.reads + 1, next_refresh_at = s.next_refresh_at, leased_until = NULL
  FROM json_to_recordset($1::json) AS s(post_id bigint, next_refresh_at timestamptz)
  WHERE r.post_id = s.post_id`;

/** Stores one lookup's reads: metrics, a snapshot per read, tombstones, and each post's next read, in one transaction. */
export async function recordRefreshReads(pool: Pool, reads: RefreshReads): Promise<RefreshReadsResult> {
  return withTransaction(pool, async (tx) => {
    let changed = 0;
    let snapshots = 0;
    if (reads.metrics.length > 0) {
      const rows = reads.metrics.map(({ postId, metrics }) => ({
        post_id: postId,
        like_count: metrics.likes,
        repost_count: metrics.reposts,
        reply_count: metrics.replies,
        quote_count: metrics.quotes,
        impression_count: metrics.impressions ?? null,
      }));
      const updated = await tx.query<{ id: number; changed: boolean }>(UPDATE_METRICS, [toPgJson(rows), reads.at]);
      changed = updated.rows.filter((row) => row.changed).length;
      const inserted = await tx.query(RECORD_READ_SNAPSHOTS, [updated.rows.map((row) => row.id), reads.at]);
      snapshots = inserted.rowCount ?? 0;
    }
    const removed = await tombstonePosts(tx, reads.removals);
    // Engagement moved (or posts went): the rollup hours these posts count in are stale.
    await markRollupHoursDirty(tx, reads.metrics.map((m) => m.postId), 'metrics');
    await markRollupHoursDirty(tx, removed);
    const next = [...reads.next]
      .sort((a, b) => a.postId - b.postId)
      .map((n) => ({ post_id: n.postId, next_refresh_at: n.nextRefreshAt?.toISOString() ?? null }));
    if (next.length > 0) await tx.query(ADVANCE_SCHEDULES, [toPgJson(next), reads.at]);
    return { snapshots, changed, removed: removed.length };
  });
}

export interface XRunSource {
  campaignId: number;
  sourceId: number;
}

/**
 * The source a campaign's refresh and compliance runs are recorded under: the run ledger has one
 * row per source, and these runs serve the campaign's X posts as a whole, so they go under its
 * first x-search source (enabled ones first, then the oldest). Campaigns without one have no X
 * posts to keep current.
 */
export async function findXRunSources(db: Queryable, campaignId?: number): Promise<XRunSource[]> {
  const { rows } = await db.query<{ campaign_id: number; source_id: number }>(
    `SELECT DISTINCT ON (s.campaign_id) s.campaign_id, s.id AS source_id
     FROM sources s JOIN campaigns c ON c.id = s.campaign_id
     WHERE s.kind = 'x-search' AND ($1::bigint IS NULL AND c.enabled OR s.campaign_id = $1)
     ORDER BY s.campaign_id, s.enabled DESC, s.id`,
    [campaignId ?? null],
  );
  return rows.map((r) => ({ campaignId: r.campaign_id, sourceId: r.source_id }));
}

/** The day's reads so far (for reports and tests). */
export async function postsReadOn(db: Queryable, day: string): Promise<number> {
  const { rows } = await db.query<{ posts_read: number }>(`SELECT posts_read FROM x_daily_reads WHERE day = $1`, [day]);
  return rows[0]?.posts_read ?? 0;
}
