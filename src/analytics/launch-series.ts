import {
  bucketEdges,
  cumulative,
  isWholeHour,
  planLaunchWindow,
  startedBucketCount,
  zeroFilled,
  type AnalyticsRequest,
  type Bucket,
  type LaunchWindow,
  type Point,
  type Split,
} from '../domain/launch/index.js';
import type { Platform } from '../domain/post.js';
import type { Queryable } from '../store/db.js';
import {
  localityGroups,
  resolveCampaign,
  resolveFilters,
  resolveLaunch,
  sourceGroups,
  type CampaignRef,
  type GroupLabel,
  type LaunchRef,
  type ResolvedFilters,
} from './resolve-request.js';
import { seriesFromRaw } from './series-from-raw.js';
import { seriesFromRollups } from './series-from-rollups.js';
import type { AnsweredFrom, BucketRow, SeriesQuery } from './series-query.js';

/**
 * Every measure of one series, zero-filled over the window's buckets; x = hours from launch. Buckets
 * from the window's `startedBuckets` on have not happened yet: their 0 is not a reading.
 */
export interface MetricSeries {
  /** Posts made in each bucket. */
  posts: Point[];
  /** Distinct authors posting in each bucket (a distinct count: buckets do not add up). */
  uniqueAuthors: Point[];
  /** Engagement of the posts made in each bucket, as last collected (not when it accrued). */
  engagement: Point[];
  /** Followers of each bucket's distinct authors. */
  reach: Point[];
  /** Running totals of the additive measures from the window's start. */
  cumulative: { posts: Point[]; engagement: Point[] };
}

export interface SeriesGroup {
  /** Locality or source slug, platform name; null for "unattributed". */
  slug: string | null;
  name: string;
  metrics: MetricSeries;
}

export interface WindowInfo {
  from: string;
  to: string;
  before: number;
  after: number;
  bucket: Bucket;
  requestedBucket: Bucket | null;
  bucketClamped: boolean;
  /** The instant this answer describes (the request's now). */
  asOf: string;
  /**
   * How many buckets had started at `asOf` (0 to the bucket count). The series are zero-filled over
   * the whole window, so this is what tells "nothing happened" from "not yet"; the last started
   * bucket is still in progress while `asOf` is before its end.
   */
  startedBuckets: number;
}

export interface BucketInfo {
  /** Hours from the launch to the bucket's start. */
  t: number;
  start: string;
  end: string;
  /** The start in the campaign's time zone, with its UTC offset. */
  localStart: string;
}

export interface LaunchSeries {
  campaign: { slug: string; name: string; timezone: string };
  launch: { slug: string; title: string; at: string };
  window: WindowInfo;
  buckets: BucketInfo[];
  filters: { locality: string | null; source: string | null; platform: Platform | null };
  answeredFrom: AnsweredFrom;
  total: MetricSeries;
  split: { by: Split; groups: SeriesGroup[] } | null;
}

export interface SeriesOptions {
  /** Force the raw tables (for comparisons); by default the rollups answer whenever they can. */
  answerFrom?: AnsweredFrom | 'auto';
}

/** Rollups answer windows aligned to whole UTC hours; anything else is computed from raw posts. */
export async function readBucketRows(db: Queryable, query: SeriesQuery, answerFrom: SeriesOptions['answerFrom'] = 'auto'): Promise<{ rows: BucketRow[]; answeredFrom: AnsweredFrom }> {
  const useRollups = answerFrom === 'rollups' || (answerFrom !== 'raw' && isWholeHour(query.window.from));
  if (useRollups && !isWholeHour(query.window.from)) throw new RangeError('hourly rollups cannot answer a window that does not start on a whole hour');
  return useRollups ? { rows: await seriesFromRollups(db, query), answeredFrom: 'rollups' } : { rows: await seriesFromRaw(db, query), answeredFrom: 'raw' };
}

export function metricSeries(window: LaunchWindow, rows: readonly BucketRow[]): MetricSeries {
  const measure = (pick: (row: BucketRow) => number) => zeroFilled(window, new Map(rows.map((row) => [row.bucket, pick(row)])));
  const posts = measure((row) => row.posts);
  const engagement = measure((row) => row.engagement);
  return {
    posts,
    uniqueAuthors: measure((row) => row.uniqueAuthors),
    engagement,
    reach: measure((row) => row.reach),
    cumulative: { posts: cumulative(posts), engagement: cumulative(engagement) },
  };
}

export const windowInfo = (window: LaunchWindow, now: Date): WindowInfo => ({
  from: window.from.toISOString(),
  to: window.to.toISOString(),
  before: window.beforeDays,
  after: window.afterDays,
  bucket: window.bucket,
  requestedBucket: window.requestedBucket,
  bucketClamped: window.bucketClamped,
  asOf: now.toISOString(),
  startedBuckets: startedBucketCount(window, now),
});

export const bucketInfo = (window: LaunchWindow, timeZone: string): BucketInfo[] =>
  bucketEdges(window, timeZone).map((edge) => ({ t: edge.t, start: edge.start.toISOString(), end: edge.end.toISOString(), localStart: edge.localStart }));

/** The groups a split shows, zero-filled: every enabled locality (and "unattributed"), source or platform, narrowed by the filters. */
export async function splitGroups(db: Queryable, campaignId: number, split: Split, filters: ResolvedFilters, present: ReadonlySet<string>): Promise<(GroupLabel & { splitKey: string })[]> {
  const presentIds = new Set([...present].map(Number).filter(Number.isFinite));
  let labels: GroupLabel[];
  if (split === 'platform') labels = (['x', 'site'] as const).map((platform) => ({ key: platform, slug: platform, name: platform === 'x' ? 'X' : 'Site comments' }));
  else if (split === 'locality') labels = await localityGroups(db, campaignId, presentIds);
  else labels = await sourceGroups(db, campaignId, presentIds);
  const narrowed = labels.filter((label) => {
    if (split === 'platform') return filters.platform === null || label.key === filters.platform;
    if (split === 'locality') return filters.locality === null || label.key === filters.localityKey;
    return filters.source === null || label.key === filters.sourceKey;
  });
  return narrowed.map((label) => ({ ...label, splitKey: String(label.key) }));
}

export interface ResolvedSeriesRequest {
  campaign: CampaignRef;
  launch: LaunchRef;
  filters: ResolvedFilters;
}

export async function resolveSeriesRequest(
  db: Queryable,
  request: Pick<AnalyticsRequest, 'campaign' | 'launch' | 'locality' | 'source' | 'platform'>,
): Promise<ResolvedSeriesRequest> {
  const campaign = await resolveCampaign(db, request.campaign);
  const launch = await resolveLaunch(db, campaign, request.launch);
  const filters = await resolveFilters(db, campaign, request);
  return { campaign, launch, filters };
}

/**
 * Posts, distinct authors, engagement and reach for a launch's window, bucketed by hour or day from
 * the launch instant, zero-filled, with cumulative posts and engagement; optionally split by
 * locality (unattributed included), platform or source. `window.startedBuckets` says how many of
 * the buckets had started at `now`.
 */
export async function launchSeries(db: Queryable, request: AnalyticsRequest, now: Date = new Date(), options: SeriesOptions = {}): Promise<LaunchSeries> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, request);
  const split = request.split ?? null;
  const { rows, answeredFrom } = await readBucketRows(db, { campaignId: campaign.id, window, filters, split }, options.answerFrom);

  let splitResult: LaunchSeries['split'] = null;
  if (split !== null) {
    const present = new Set(rows.flatMap((row) => (row.splitKey === null ? [] : [row.splitKey])));
    const groups = await splitGroups(db, campaign.id, split, filters, present);
    splitResult = {
      by: split,
      groups: groups.map((group) => ({ slug: group.slug, name: group.name, metrics: metricSeries(window, rows.filter((row) => row.splitKey === group.splitKey)) })),
    };
  }

  return {
    campaign: { slug: campaign.slug, name: campaign.name, timezone: campaign.timezone },
    launch: { slug: launch.slug, title: launch.title, at: launch.at.toISOString() },
    window: windowInfo(window, now),
    buckets: bucketInfo(window, campaign.timezone),
    filters: { locality: filters.locality, source: filters.source, platform: filters.platform },
    answeredFrom,
    total: metricSeries(window, rows.filter((row) => row.splitKey === null)),
    split: splitResult,
  };
}
