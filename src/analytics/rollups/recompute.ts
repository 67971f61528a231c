import type { Queryable } from '../../store/db.js';
import { HOUR_MS } from '../../domain/launch/index.js';
import { GRAIN_KEYS_SQL, MAX_ROLLUP_BUCKET_HOURS, POST_ENGAGEMENT_SQL, SNAPSHOT_ENGAGEMENT_SQL, utcHour } from '../counting-rules.js';

/** Hours (UTC hour starts) of one campaign to recompute. */
export interface CampaignHours {
  campaignId: number;
  hours: readonly Date[];
}


/**
 * The hours whose rollup rows a change in `hours` affects: each hour itself and the 23 after it,
 * whose new_authors arrays look back up to 23 hours for an author's previous post.
 */
export function hoursAffectedBy(hours: readonly Date[]): Date[] {
  const affected = new Set<number>();
  for (const hour of hours) {
    for (let k = 0; k < MAX_ROLLUP_BUCKET_HOURS; k += 1) affected.add(hour.getTime() + k * HOUR_MS);
  }
  return [...affected].sort((a, b) => a - b).map((time) => new Date(time));
}

/** Parallel arrays for unnest($1::bigint[], $2::timestamptz[]). */
function targetArrays(targets: readonly CampaignHours[]): [number[], string[]] {
  const campaignIds: number[] = [];
  const hours: string[] = [];
  for (const target of targets) {
    for (const hour of target.hours) {
      campaignIds.push(target.campaignId);
      hours.push(hour.toISOString());
    }
  }
  return [campaignIds, hours];
}

const LOOKBACK = `interval '${MAX_ROLLUP_BUCKET_HOURS - 1} hours'`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
// new_authors[k + 1] counts authors whose previous post in the grain was more than k hours earlier.
// The arrays stop where they stop changing (after the longest gap under 24 hours): usually at one
// element, as few authors post twice in a day. Readers take element least(k + 1, cardinality).
const ARRAY_LENGTH = `coalesce(max(gap) FILTER (WHERE gap < ${MAX_ROLLUP_BUCKET_HOURS}), 0)::integer + 1`;
const NEW_AUTHORS = `(ARRAY[${range(0, MAX_ROLLUP_BUCKET_HOURS).map((k) => `count(*) FILTER (WHERE gap > ${k})`).join(', ')}]::integer[])[1:${ARRAY_LENGTH}]`;
const NEW_REACH = `(ARRAY[${range(0, MAX_ROLLUP_BUCKET_HOURS).map((k) => `coalesce(sum(followers) FILTER (WHERE gap > ${k}), 0)`).join(', ')}]::bigint[])[1:${ARRAY_LENGTH}]`;
const ZEROS = (type: string) => `'{0}'::${type}[]`;

const TARGET = `
  target AS MATERIALIZED (
    SELECT DISTINCT campaign_id, hour FROM unnest($1::bigint[], $2::timestamptz[]) AS t(campaign_id, hour)
  ),
  target_campaign AS MATERIALIZED (SELECT DISTINCT campaign_id FROM target)`;

// One campaign at a time, so the (campaign_id, hour) index answers whatever the planner estimates.
const DELETE_CAMPAIGN_HOURS = (table: string) => `DELETE FROM ${table} WHERE campaign_id = $1 AND hour = ANY($2::timestamptz[])`;

async function deleteTargetRows(db: Queryable, table: string, targets: readonly CampaignHours[]): Promise<void> {
  for (const target of targets) {
    if (target.hours.length > 0) await db.query(DELETE_CAMPAIGN_HOURS(table), [target.campaignId, target.hours.map((hour) => hour.toISOString())]);
  }
}

// A time-range scan driven from the (few) target hours or runs: a LATERAL subquery (OFFSET 0 keeps
// it one) walks the time index once per range. As a plain join the planner may instead scan the
// whole table and probe the ranges for every row, as it once did with 5 million snapshots.
const POSTS_BETWEEN = (from: string, to: string, columns: string) => `
    CROSS JOIN LATERAL (SELECT ${columns} FROM posts p WHERE p.created_at >= ${from} AND p.created_at < ${to} OFFSET 0) p`;
const POST_COLUMNS = 'p.id, p.platform, p.kind, p.created_at, p.author_id, p.deleted_at, p.like_count, p.repost_count, p.reply_count, p.quote_count';

// Whether a fact row's (campaign, hour) is one being recomputed: computed as a column (a hashed
// subplan) and filtered on later. Written as a WHERE condition or a join, the planner turns it into
// a join that re-reads the targets for every row.
const IS_TARGET = (hour: string) => `(ps.campaign_id, ${hour}) IN (SELECT campaign_id, hour FROM target)`;

// Plans must not depend on row estimates, which are poor here (an hour's posts out of millions): every
// per-post lookup is a LATERAL subquery that walks an index, and OFFSET 0 keeps the planner from
// flattening it into a join it might hash over the whole table. A post reached through several
// campaigns is read once for all of them.
const PROVENANCE = (post: string) => `
    CROSS JOIN LATERAL (SELECT ps.campaign_id, ps.source_id FROM post_sources ps
                        WHERE ps.post_id = ${post} AND ps.relation = 'match' AND ps.campaign_id IN (SELECT campaign_id FROM target_campaign)
                        OFFSET 0) ps
    LEFT JOIN LATERAL (SELECT la.locality_id FROM locality_attributions la
                       WHERE la.post_id = ${post} AND la.campaign_id = ps.campaign_id OFFSET 0) la ON true`;

// Posts are read once per run of target hours (any campaign) whose 23-hour lookbacks touch, through
// posts.created_at (indexed and always current: post_sources.post_created_at is a copy an edit does
// not update). From the lookback hours only posts by authors of the target hours matter (for their
// previous post), so only those are looked up further.
const INSERT_ROLLUP_HOURS = `
  WITH ${TARGET},
  target_hour AS MATERIALIZED (SELECT DISTINCT hour FROM target),
  flagged AS (
    SELECT hour, CASE WHEN hour - lag(hour) OVER (ORDER BY hour) <= interval '${MAX_ROLLUP_BUCKET_HOURS} hours' THEN 0 ELSE 1 END AS starts_run
    FROM target_hour
  ),
  run AS (
    SELECT min(hour) - ${LOOKBACK} AS scan_from, max(hour) + interval '1 hour' AS scan_to
    FROM (SELECT hour, sum(starts_run) OVER (ORDER BY hour) AS run_key FROM flagged) keyed
    GROUP BY run_key
  ),
  scanned AS MATERIALIZED (
    SELECT p.id, p.platform, ${utcHour('p.created_at')} AS hour, p.author_id, ${POST_ENGAGEMENT_SQL} AS engagement
    FROM run ${POSTS_BETWEEN('run.scan_from', 'run.scan_to', POST_COLUMNS)}
    WHERE p.deleted_at IS NULL
  ),
  in_target AS MATERIALIZED (
    SELECT * FROM scanned WHERE hour IN (SELECT hour FROM target_hour)
  ),
  relevant AS (
    SELECT * FROM in_target
    UNION ALL
    SELECT * FROM scanned
    WHERE hour NOT IN (SELECT hour FROM target_hour) AND author_id IN (SELECT author_id FROM in_target)
  ),
  fact AS (
    SELECT ps.campaign_id, relevant.id AS post_id, relevant.platform, relevant.hour, relevant.author_id,
           coalesce(author.followers_count, 0)::bigint AS followers,
           relevant.engagement, ps.source_id, la.locality_id, ${IS_TARGET('relevant.hour')} AS is_target
    FROM relevant
    ${PROVENANCE('relevant.id')}
    LEFT JOIN LATERAL (SELECT a.followers_count FROM authors a WHERE a.id = relevant.author_id OFFSET 0) author ON true
  ),
  grained AS (
    SELECT DISTINCT fact.campaign_id, grain.locality_key, grain.source_key, fact.platform, fact.hour, fact.post_id,
                    fact.author_id, fact.followers, fact.engagement, fact.is_target
    FROM fact ${GRAIN_KEYS_SQL('fact')}
  ),
  post_totals AS (
    SELECT campaign_id, locality_key, source_key, hour, platform, count(*)::integer AS posts, sum(engagement)::bigint AS engagement
    FROM grained WHERE is_target
    GROUP BY 1, 2, 3, 4, 5
  ),
  author_gap AS (
    -- hours since the author's previous post in this grain; 24 stands for "not within 23 hours"
    SELECT campaign_id, locality_key, source_key, platform, hour, followers, is_target,
           coalesce(extract(epoch FROM hour - lag(hour) OVER (PARTITION BY campaign_id, locality_key, source_key, platform, author_id ORDER BY hour)) / 3600,
                    ${MAX_ROLLUP_BUCKET_HOURS}) AS gap
    FROM (SELECT DISTINCT campaign_id, locality_key, source_key, platform, hour, author_id, followers, is_target FROM grained WHERE author_id IS NOT NULL) author_hour
  ),
  author_totals AS (
    SELECT campaign_id, locality_key, source_key, hour, platform, ${NEW_AUTHORS} AS new_authors, ${NEW_REACH} AS new_reach
    FROM author_gap WHERE is_target
    GROUP BY 1, 2, 3, 4, 5
  )
  INSERT INTO analytics_hourly_rollups (campaign_id, locality_key, source_key, hour, platform, posts, engagement, new_authors, new_reach)
  SELECT p.campaign_id, p.locality_key, p.source_key, p.hour, p.platform, p.posts, p.engagement,
         coalesce(a.new_authors, ${ZEROS('integer')}), coalesce(a.new_reach, ${ZEROS('bigint')})
  FROM post_totals p LEFT JOIN author_totals a USING (campaign_id, locality_key, source_key, hour, platform)`;

// Only the engagement of posts made in these hours changed (no post came, went or moved): the rows
// stay, their engagement is summed again. No lookback, no authors.
const UPDATE_ENGAGEMENT_HOURS = `
  WITH ${TARGET},
  target_hour AS MATERIALIZED (SELECT DISTINCT hour FROM target),
  fact AS (
    SELECT ps.campaign_id, p.id AS post_id, p.platform, ${utcHour('p.created_at')} AS hour, ${POST_ENGAGEMENT_SQL} AS engagement,
           ps.source_id, la.locality_id, ${IS_TARGET(utcHour('p.created_at'))} AS is_target
    FROM target_hour ${POSTS_BETWEEN('target_hour.hour', "target_hour.hour + interval '1 hour'", POST_COLUMNS)}
    ${PROVENANCE('p.id')}
    WHERE p.deleted_at IS NULL
  ),
  grained AS (
    SELECT DISTINCT fact.campaign_id, grain.locality_key, grain.source_key, fact.platform, fact.hour, fact.post_id, fact.engagement
    FROM fact ${GRAIN_KEYS_SQL('fact')}
    WHERE fact.is_target
  ),
  totals AS (
    SELECT campaign_id, locality_key, source_key, hour, platform, sum(engagement)::bigint AS engagement
    FROM grained
    GROUP BY 1, 2, 3, 4, 5
  )
  UPDATE analytics_hourly_rollups r SET engagement = totals.engagement
  FROM totals
  WHERE r.campaign_id = totals.campaign_id AND r.locality_key = totals.locality_key AND r.source_key = totals.source_key
    AND r.hour = totals.hour AND r.platform = totals.platform AND r.engagement <> totals.engagement`;


/**
 * Engagement accrued per hour (see migration 0009 for the crediting rule). Each credit is keyed by
 * post and snapshot time (−infinity for the first-sight credit) so a post reaching the campaign
 * through two sources is credited once per grain.
 */
const INSERT_ACCRUAL_HOURS = `
  WITH ${TARGET},
  target_hour AS MATERIALIZED (SELECT DISTINCT hour FROM target),
  entry AS (
    SELECT s.post_id, s.captured_at AS entry_at, target_hour.hour,
           ${SNAPSHOT_ENGAGEMENT_SQL('s')} - ${SNAPSHOT_ENGAGEMENT_SQL('previous')} AS delta
    FROM target_hour
    CROSS JOIN LATERAL (SELECT s.post_id, s.captured_at, s.like_count, s.repost_count, s.reply_count, s.quote_count FROM engagement_snapshots s
                        WHERE s.captured_at >= target_hour.hour AND s.captured_at < target_hour.hour + interval '1 hour' OFFSET 0) s
    CROSS JOIN LATERAL (SELECT e.like_count, e.repost_count, e.reply_count, e.quote_count FROM engagement_snapshots e
                        WHERE e.post_id = s.post_id AND e.captured_at < s.captured_at ORDER BY e.captured_at DESC LIMIT 1) previous
    UNION ALL
    SELECT p.id, '-infinity'::timestamptz, target_hour.hour,
           coalesce(${SNAPSHOT_ENGAGEMENT_SQL('first')} + (p.kind = 'comment')::int, ${POST_ENGAGEMENT_SQL})
    FROM target_hour ${POSTS_BETWEEN('target_hour.hour', "target_hour.hour + interval '1 hour'", POST_COLUMNS)}
    LEFT JOIN LATERAL (SELECT e.like_count, e.repost_count, e.reply_count, e.quote_count FROM engagement_snapshots e
                       WHERE e.post_id = p.id ORDER BY e.captured_at LIMIT 1) first ON true
  ),
  fact AS (
    SELECT ps.campaign_id, entry.post_id, entry.entry_at, entry.hour, p.platform, entry.delta, ps.source_id, la.locality_id,
           ${IS_TARGET('entry.hour')} AS is_target
    FROM entry
    CROSS JOIN LATERAL (SELECT p.platform FROM posts p WHERE p.id = entry.post_id AND p.deleted_at IS NULL OFFSET 0) p
    ${PROVENANCE('entry.post_id')}
  ),
  grained AS (
    SELECT DISTINCT fact.campaign_id, grain.locality_key, grain.source_key, fact.platform, fact.hour, fact.post_id, fact.entry_at, fact.delta
    FROM fact ${GRAIN_KEYS_SQL('fact')}
    WHERE fact.is_target
  )
  INSERT INTO analytics_hourly_accrual (campaign_id, locality_key, source_key, hour, platform, engagement_accrued)
  SELECT campaign_id, locality_key, source_key, hour, platform, sum(delta)::bigint
  FROM grained
  GROUP BY 1, 2, 3, 4, 5`;

export interface RecomputeOptions {
  /** False when the caller has already emptied the tables for these campaigns (a rebuild). */
  replace?: boolean;
}

/** Replaces the rollup rows of these campaigns' hours with values recomputed from raw data. */
export async function recomputeRollupHours(db: Queryable, targets: readonly CampaignHours[], options: RecomputeOptions = {}): Promise<void> {
  const arrays = targetArrays(targets);
  if (arrays[1].length === 0) return;
  if (options.replace !== false) await deleteTargetRows(db, 'analytics_hourly_rollups', targets);
  await db.query(INSERT_ROLLUP_HOURS, arrays);
}

/** Sums the engagement of posts made in these campaigns' hours again, where nothing but engagement changed. */
export async function recomputeEngagementHours(db: Queryable, targets: readonly CampaignHours[]): Promise<void> {
  const arrays = targetArrays(targets);
  if (arrays[1].length > 0) await db.query(UPDATE_ENGAGEMENT_HOURS, arrays);
}

/** Replaces the accrual rows of these campaigns' hours. */
export async function recomputeAccrualHours(db: Queryable, targets: readonly CampaignHours[], options: RecomputeOptions = {}): Promise<void> {
  const arrays = targetArrays(targets);
  if (arrays[1].length === 0) return;
  if (options.replace !== false) await deleteTargetRows(db, 'analytics_hourly_accrual', targets);
  await db.query(INSERT_ACCRUAL_HOURS, arrays);
}
