import { clientForbidden, type InvalidParameter } from '../problems.js';
import { HttpProblem, parseEnum, parseId, rejectUnknownParameters, throwIfInvalid } from '../params.js';
import type { ScanBounds } from '../world.js';
import type { HandlerContext, HandlerResult } from './context.js';
import { parseSearchQuery, resolveTimeWindow } from './search.js';

// Post counts per minute/hour/day. As on X, bucket edges sit on UTC minute/hour/day boundaries, the
// first bucket starts at start_time itself, the last ends at end_time, and empty buckets are listed
// with a zero count.

const COUNT_PARAMETERS = [
  'query', 'start_time', 'end_time', 'since_id', 'until_id', 'next_token', 'pagination_token', 'granularity',
  'search_count.fields',
];
const GRANULARITY_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Granularity = keyof typeof GRANULARITY_MS;
/** A guard against a minute-granularity count over years building millions of buckets. */
const MAX_BUCKETS = 100_000;

export function countTweets(ctx: HandlerContext, archive: 'recent' | 'all'): HandlerResult {
  if (archive === 'all' && !ctx.fullArchiveAccess) throw new HttpProblem(403, clientForbidden());
  const issues: InvalidParameter[] = [];
  rejectUnknownParameters(ctx.query, COUNT_PARAMETERS, issues);
  const parsed = parseSearchQuery(ctx, issues);
  const sinceId = parseId(ctx.query, 'since_id', issues);
  const untilId = parseId(ctx.query, 'until_id', issues);
  const granularity = parseEnum<Granularity>(ctx.query, 'granularity', ['minute', 'hour', 'day'], 'hour', issues);
  const { startMs, endMs } = resolveTimeWindow(ctx, archive, archive === 'recent' ? 7 * 86_400_000 : 30 * 86_400_000, issues);
  // The fake never hands out a counts next_token, so any token is one X did not issue.
  for (const name of ['next_token', 'pagination_token']) {
    const token = ctx.query.get(name);
    if (token !== null) issues.push({ parameter: name, value: token, message: `The \`${name}\` query parameter value [${token}] is not valid for this request` });
  }
  const step = GRANULARITY_MS[granularity];
  const firstBoundary = Math.floor(startMs / step) * step + step;
  const bucketCount = endMs <= firstBoundary ? 1 : 1 + Math.ceil((endMs - firstBoundary) / step);
  if (bucketCount > MAX_BUCKETS) {
    issues.push({ parameter: 'granularity', value: granularity, message: `The time range needs ${bucketCount} buckets at ${granularity} granularity; use a coarser granularity or a shorter range` });
  }
  throwIfInvalid(issues);
  const query = parsed as NonNullable<typeof parsed>;

  const counts = new Array<number>(bucketCount).fill(0);
  const bounds: ScanBounds = {
    startMs,
    endMs,
    ...(sinceId !== undefined ? { sinceId } : {}),
    ...(untilId !== undefined ? { untilId } : {}),
  };
  let total = 0;
  for (const tweet of ctx.world.searchable(bounds)) {
    if (!query.matches(ctx.world.matchable(tweet))) continue;
    const time = Date.parse(tweet.created_at);
    const index = time < firstBoundary ? 0 : 1 + Math.floor((time - firstBoundary) / step);
    const bucket = Math.min(index, bucketCount - 1);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
    total += 1;
  }
  const data = counts.map((tweet_count, index) => {
    const start = index === 0 ? startMs : firstBoundary + (index - 1) * step;
    const end = Math.min(endMs, firstBoundary + index * step);
    return { end: new Date(end).toISOString(), start: new Date(start).toISOString(), tweet_count };
  });
  return { status: 200, body: { data, meta: { total_tweet_count: total } } };
}
