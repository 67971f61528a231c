import { cumulative, planLaunchWindow, zeroFilled, type AnalyticsRequest, type LaunchWindow, type Point } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { ALL_LOCALITIES, POST_ENGAGEMENT_SQL, SNAPSHOT_ENGAGEMENT_SQL, UNATTRIBUTED_LOCALITY } from './counting-rules.js';
import { bucketInfo, readBucketRows, resolveSeriesRequest, windowInfo, type BucketInfo, type SeriesOptions, type WindowInfo } from './launch-series.js';
import type { ResolvedFilters } from './resolve-request.js';
import { sqlInteger, type AnsweredFrom } from './series-query.js';

// Engagement grows after a post is collected, so two different questions have two answers:
// "how much engagement did the posts made in this bucket get" (by post time, latest counts) and
// "how much engagement happened in this bucket" (accrued, from engagement snapshot deltas).

export interface EngagementAccrual {
  window: WindowInfo;
  buckets: BucketInfo[];
  answeredFrom: AnsweredFrom;
  /** Engagement observed accruing during each bucket: growth between consecutive snapshots, in the later snapshot's bucket; what a post already had when first seen, in its own bucket. */
  accrued: { label: string; points: Point[]; cumulative: Point[] };
  /** Engagement of the posts made in each bucket, as last collected. */
  byPostTime: { label: string; points: Point[]; cumulative: Point[] };
}

export const ACCRUED_LABEL = 'Engagement accrued in each bucket (from snapshot deltas)';
export const BY_POST_TIME_LABEL = 'Engagement of posts made in each bucket';

export interface AccrualQuery {
  campaignId: number;
  window: LaunchWindow;
  filters: ResolvedFilters;
}

const BUCKET_OF_HOUR = `((extract(epoch FROM hour)::bigint - $2) / $3)::integer`;

async function accrualFromRollups(db: Queryable, query: AccrualQuery): Promise<Map<number, number>> {
  const { window, filters } = query;
  const values: unknown[] = [query.campaignId, window.from.getTime() / 1000, window.bucketHours * 3600, window.from, window.to];
  const platform = filters.platform ? ` AND platform = $${values.push(filters.platform)}` : '';
  const { rows } = await db.query<{ bucket: number; accrued: number }>(
    `SELECT ${BUCKET_OF_HOUR} AS bucket, sum(engagement_accrued)::bigint AS accrued
     FROM analytics_hourly_accrual
     WHERE campaign_id = $1 AND locality_key = ${sqlInteger(filters.localityKey)} AND source_key = ${sqlInteger(filters.sourceKey)}
       AND hour >= $4 AND hour < $5${platform}
     GROUP BY 1`,
    values,
  );
  return new Map(rows.map((row) => [row.bucket, row.accrued]));
}


/** The same crediting rule as the accrual rollup, from raw snapshots: the reference for tests and non-hour launches. */
async function accrualFromRaw(db: Queryable, query: AccrualQuery): Promise<Map<number, number>> {
  const { window, filters } = query;
  const values: unknown[] = [query.campaignId, window.from, window.to, window.bucketHours * 3600];
  const conditions: string[] = [];
  if (filters.localityKey === UNATTRIBUTED_LOCALITY) conditions.push('NOT EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.campaign_id = $1)');
  else if (filters.localityKey !== ALL_LOCALITIES) {
    conditions.push(`EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.campaign_id = $1 AND la.locality_id = ${sqlInteger(filters.localityKey)})`);
  }
  if (filters.platform) conditions.push(`p.platform = $${values.push(filters.platform)}`);
  const sourceCondition = filters.sourceKey > 0 ? ` AND ps.source_id = ${sqlInteger(filters.sourceKey)}` : '';
  const { rows } = await db.query<{ bucket: number; accrued: number }>(
    `WITH post AS (
       SELECT p.id, p.kind, p.created_at, ${POST_ENGAGEMENT_SQL} AS engagement
       FROM posts p
       WHERE p.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match'${sourceCondition})
         ${conditions.map((c) => `AND ${c}`).join(' ')}
     ),
     snapshot AS (
       SELECT s.post_id, s.captured_at, ${SNAPSHOT_ENGAGEMENT_SQL('s')} AS engagement,
              row_number() OVER (PARTITION BY s.post_id ORDER BY s.captured_at) AS nth,
              ${SNAPSHOT_ENGAGEMENT_SQL('s')} - lag(${SNAPSHOT_ENGAGEMENT_SQL('s')}) OVER (PARTITION BY s.post_id ORDER BY s.captured_at) AS delta
       FROM engagement_snapshots s JOIN post ON post.id = s.post_id
     ),
     credit AS (
       SELECT post.created_at AS at, coalesce(first.engagement + (post.kind = 'comment')::int, post.engagement) AS amount
       FROM post LEFT JOIN snapshot first ON first.post_id = post.id AND first.nth = 1
       UNION ALL
       SELECT captured_at, delta FROM snapshot WHERE nth > 1
     )
     SELECT floor(extract(epoch FROM at - $2) / $4)::integer AS bucket, sum(amount)::bigint AS accrued
     FROM credit WHERE at >= $2 AND at < $3
     GROUP BY 1`,
    values,
  );
  return new Map(rows.map((row) => [row.bucket, row.accrued]));
}

/** Accrued engagement per bucket, from the accrual rollups or (for the raw answer) from snapshots. */
export const readAccrualBuckets = (db: Queryable, query: AccrualQuery, from: AnsweredFrom): Promise<Map<number, number>> =>
  from === 'rollups' ? accrualFromRollups(db, query) : accrualFromRaw(db, query);

/** Both engagement series for a launch window, labelled, each with its running total; `window.startedBuckets` as of `now`. */
export async function engagementAccrual(db: Queryable, request: AnalyticsRequest, now: Date = new Date(), options: SeriesOptions = {}): Promise<EngagementAccrual> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, request);
  const query = { campaignId: campaign.id, window, filters };
  const { rows, answeredFrom } = await readBucketRows(db, { ...query, split: null }, options.answerFrom);
  const accruedByBucket = await readAccrualBuckets(db, query, answeredFrom);
  const accrued = zeroFilled(window, accruedByBucket);
  const byPostTime = zeroFilled(window, new Map(rows.map((row) => [row.bucket, row.engagement])));
  return {
    window: windowInfo(window, now),
    buckets: bucketInfo(window, campaign.timezone),
    answeredFrom,
    accrued: { label: ACCRUED_LABEL, points: accrued, cumulative: cumulative(accrued) },
    byPostTime: { label: BY_POST_TIME_LABEL, points: byPostTime, cumulative: cumulative(byPostTime) },
  };
}
