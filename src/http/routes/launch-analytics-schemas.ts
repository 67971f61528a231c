import { z } from 'zod';
import { analyticsRequestSchema, rankingRequestSchema, UNATTRIBUTED } from '../../analytics/index.js';
import { MAX_COMPARED_LAUNCHES } from '../../domain/launch/index.js';

// What the launch-analytics routes share besides their path parameters (campaign-scope.ts): query
// schemas cut from the analytics module's own request schemas (so the HTTP edge and the queries
// cannot disagree about a parameter), and the shapes of the series they answer. Handlers hand the
// validated query, with the path's campaign and launch, to the analytics parser; anything it still
// refuses (a window of zero days) is an AnalyticsRequestError, which errors.ts turns into a 400
// naming the parameter.

const requestField = analyticsRequestSchema.shape;

/** Query fields, described for the OpenAPI document. */
const field = {
  before: requestField.before.describe('whole days of the window before the launch (0 to 365, default 14)'),
  after: requestField.after.describe('whole days of the window after the launch (0 to 365, default 28)'),
  bucket: requestField.bucket.describe('hour or day: a wish; the server picks for the window (hourly up to 7 days, up to 14 on request) and says so in window.bucketClamped'),
  locality: requestField.locality.describe(`only posts attributed to this locality (a slug), or "${UNATTRIBUTED}" for posts attributed to none`),
  source: requestField.source.describe("only posts this source matched (a source's slug)"),
  platform: requestField.platform.describe('only x posts or site comments'),
  split: requestField.split.describe('also one series per locality (unattributed included), platform or source'),
  baselineDays: requestField.baselineDays.describe('days before the launch whose daily mean is the baseline (1 to 90, default 14)'),
  limit: rankingRequestSchema.shape.limit.describe('how many rows (1 to 100, default 10)'),
  // Text here (a list in the OpenAPI document would suggest ?launches=a&launches=b); the analytics
  // parser splits it and checks each slug.
  launches: z.string({ error: 'is required: name launch slugs, comma-separated' }).max(1000, { error: 'must be at most 1000 characters' }).describe(
    `launch slugs to overlay, comma-separated: a,b (at most ${MAX_COMPARED_LAUNCHES})`,
  ),
};

const filters = { locality: field.locality, source: field.source, platform: field.platform };
const window = { before: field.before, after: field.after, bucket: field.bucket };

export const seriesQuery = z.strictObject({ ...window, ...filters, split: field.split });
export const accrualQuery = z.strictObject({ ...window, ...filters });
export const liftQuery = z.strictObject({ after: field.after, baselineDays: field.baselineDays, ...filters });
export const halfLifeQuery = z.strictObject({ after: field.after, ...filters });
export const rankingQuery = z.strictObject({ before: field.before, after: field.after, ...filters, limit: field.limit });
export const comparisonQuery = z.strictObject({ launches: field.launches, ...window, ...filters });

// Response shapes (documentation, and the CSV columns of each chart's rows).

export const point = z.object({ x: z.number().describe('hours from the launch to the bucket start'), y: z.number() });

export const metricSeriesView = z.object({
  posts: z.array(point),
  uniqueAuthors: z.array(point).describe('distinct authors per bucket (buckets do not add up)'),
  engagement: z.array(point).describe('engagement of the posts made in each bucket, as last collected'),
  reach: z.array(point).describe("followers of each bucket's distinct authors"),
  cumulative: z.object({ posts: z.array(point), engagement: z.array(point) }),
});

export const windowView = z.object({
  from: z.string(),
  to: z.string(),
  before: z.number().int(),
  after: z.number().int(),
  bucket: z.enum(['hour', 'day']),
  requestedBucket: z.enum(['hour', 'day']).nullable(),
  bucketClamped: z.boolean().describe('true when the server overruled the requested bucket'),
  asOf: z.string().describe('the instant this answer describes (the time of the request)'),
  startedBuckets: z
    .number()
    .int()
    .describe(
      'how many buckets had started at asOf, from 0 (the window is still ahead) to all of them; series are zero-filled over the whole window, so the 0 of a later bucket means "not yet". The last started bucket is still running while asOf is before its end',
    ),
});

export const bucketView = z.object({
  t: z.number().describe('hours from the launch to the bucket start'),
  start: z.string(),
  end: z.string(),
  localStart: z.string().describe("the start in the campaign's time zone, with its UTC offset"),
});

export const launchRef = z.object({ slug: z.string(), title: z.string(), at: z.string() });

export const answeredFrom = z.enum(['rollups', 'raw']).describe('hourly rollups, or raw posts for launches not on a whole hour');

/** A CSV cell of a series value: empty for a bucket that had not started, so "not yet" does not read as 0. */
export const bucketValueCell = z.number().nullable().describe('empty for a bucket that had not started');

/** The value of bucket `index` of a series, or null when the bucket had not started: a CSV cell. */
export const startedValue = (points: readonly { y: number }[], index: number, startedBuckets: number): number | null => (index < startedBuckets ? (points[index]?.y ?? 0) : null);

/** One bucket of one series, flat: a CSV row. */
export const seriesRow = z.object({
  series: z.string().describe('"all", or the group of the split: a locality, platform or source slug, or "unattributed"'),
  name: z.string(),
  t: z.number(),
  start: z.string(),
  localStart: z.string(),
  posts: bucketValueCell,
  uniqueAuthors: bucketValueCell,
  engagement: bucketValueCell,
  reach: bucketValueCell,
  cumulativePosts: bucketValueCell,
  cumulativeEngagement: bucketValueCell,
});

/**
 * The rows of one series, bucket by bucket; `buckets` gives the times when the series has them.
 * Values of buckets from `startedBuckets` on are left empty.
 */
export function seriesRows(
  series: string,
  name: string,
  metrics: z.output<typeof metricSeriesView>,
  buckets: readonly z.output<typeof bucketView>[] | undefined,
  startedBuckets: number,
): z.output<typeof seriesRow>[] {
  const value = (points: readonly { y: number }[], index: number) => startedValue(points, index, startedBuckets);
  return metrics.posts.map((posts, index) => ({
    series,
    name,
    t: posts.x,
    start: buckets?.[index]?.start ?? '',
    localStart: buckets?.[index]?.localStart ?? '',
    posts: value(metrics.posts, index),
    uniqueAuthors: value(metrics.uniqueAuthors, index),
    engagement: value(metrics.engagement, index),
    reach: value(metrics.reach, index),
    cumulativePosts: value(metrics.cumulative.posts, index),
    cumulativeEngagement: value(metrics.cumulative.engagement, index),
  }));
}

/** A split group's key in CSV and in the dashboard: its slug, or "unattributed" for posts with no locality. */
export const groupKey = (group: { slug: string | null }) => group.slug ?? UNATTRIBUTED;
