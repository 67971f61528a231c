import { HOUR_MS } from '../../domain/launch/index.js';
import type { Queryable } from '../../store/db.js';
import { utcHour } from '../counting-rules.js';

/**
 * What changed about the posts:
 * - 'posts': anything about which posts count where: inserted, content edited, tombstoned,
 *   re-attributed, newly matched by a source. Always correct.
 * - 'metrics': only their engagement counts (an engagement refresh, with a snapshot just taken).
 *   Much cheaper to refresh: no distinct-author recount.
 */
export type RollupChange = 'posts' | 'metrics';

// Marks are plain inserts (no unique key, no ON CONFLICT), so two ingestion transactions marking the
// same hour never wait on each other. Each change marks the hour of every changed post (with the
// scope the change affects there) and the accrual hours of the snapshots it touches.
const markChangedPosts = (postHourScope: string, accrualSnapshots: string) => `
  INSERT INTO analytics_rollup_dirty_hours (campaign_id, hour, scope)
  SELECT DISTINCT ps.campaign_id, post_hour.hour, post_hour.scope
  FROM post_sources ps
  JOIN posts p ON p.id = ps.post_id
  CROSS JOIN LATERAL (
    SELECT ${utcHour('p.created_at')} AS hour, '${postHourScope}' AS scope
    UNION
    ${accrualSnapshots}
  ) post_hour
  WHERE ps.post_id = ANY($1::bigint[]) AND ps.relation = 'match'`;

// Anything about which posts count where: their own hour's members, and every snapshot's accrual.
const MARK_POSTS_CHANGED = markChangedPosts('members', `SELECT ${utcHour('s.captured_at')}, 'accrual' FROM engagement_snapshots s WHERE s.post_id = p.id`);

// A metrics change moves the engagement of the post's own hour (and its first-sight accrual credit)
// and the accrual of the hour of its newest snapshot, the one just taken.
const MARK_METRICS_CHANGED = markChangedPosts(
  'engagement',
  `(SELECT ${utcHour('s.captured_at')}, 'accrual' FROM engagement_snapshots s WHERE s.post_id = p.id ORDER BY s.captured_at DESC LIMIT 1)`,
);

/**
 * Marks the rollup hours of these posts stale. Call it inside the transaction that changed them,
 * after the write: the marks then commit (or roll back) with the change, and a refresh that claims
 * them is sure to see it. One set-based statement.
 */
export async function markRollupHoursDirty(db: Queryable, postIds: readonly number[], change: RollupChange = 'posts'): Promise<void> {
  if (postIds.length === 0) return;
  await db.query(change === 'metrics' ? MARK_METRICS_CHANGED : MARK_POSTS_CHANGED, [postIds]);
}

// A post stored for the first time counts in the hour it was made and, through the snapshot taken as
// it was stored (captured now()), in this hour's accrual: what MARK_POSTS_CHANGED finds for it,
// without reading the post back.
const MARK_NEW_POSTS = `
  INSERT INTO analytics_rollup_dirty_hours (campaign_id, hour, scope)
  SELECT DISTINCT $1::bigint, ${utcHour('created_at')}, 'members' FROM unnest($2::timestamptz[]) AS created_at
  UNION
  SELECT $1::bigint, ${utcHour('now()')}, 'accrual'`;

/**
 * Marks the rollup hours of posts this transaction inserted as a campaign's matches (with their
 * first engagement snapshot), from the times in hand. One statement.
 */
export async function markNewPostHoursDirty(db: Queryable, campaignId: number, createdAt: readonly Date[]): Promise<void> {
  if (createdAt.length === 0) return;
  const hours = [...new Set(createdAt.map((at) => Math.floor(at.getTime() / HOUR_MS)))].map((hour) => new Date(hour * HOUR_MS).toISOString());
  await db.query(MARK_NEW_POSTS, [campaignId, hours]);
}
