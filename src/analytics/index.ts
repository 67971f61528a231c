/**
 * Launch analytics: what the HTTP API calls. Each query parses nothing itself: parse the request
 * at the edge with the schemas below (errors are AnalyticsRequestError, naming the parameter: a
 * 400), then call the query; an unknown campaign, launch, locality or source raises
 * AnalyticsNotFoundError naming the parameter (a 404).
 *
 *   const request = parseAnalyticsRequest(query);          // {campaign, launch, before, after, …}
 *   const series = await launchSeries(pool, request, now); // zero-filled, launch-aligned;
 *                                                          // window.startedBuckets as of now
 *
 * Time series read the hourly rollups (migration 0009) when the launch is on a whole hour, and
 * raw posts otherwise; `answeredFrom` says which. Lists (top posts, contributors, threads) read
 * posts directly, bounded by the window.
 */
export {
  analyticsRequestSchema,
  launchComparisonRequestSchema,
  rankingRequestSchema,
  parseAnalyticsRequest,
  parseLaunchComparisonRequest,
  parseRankingRequest,
  AnalyticsRequestError,
  UNATTRIBUTED,
  type AnalyticsRequest,
  type AnalyticsRequestInput,
  type LaunchComparisonRequest,
  type RankingRequest,
  type Bucket,
  type Split,
  type Point,
  type Lift,
  type HalfLife,
  type RateRatioInterval,
} from '../domain/launch/index.js';
export { AnalyticsNotFoundError } from './errors.js';
export type { AnsweredFrom } from './series-query.js';

export { launchSeries, type LaunchSeries, type MetricSeries, type SeriesGroup, type SeriesOptions, type WindowInfo, type BucketInfo } from './launch-series.js';
export { launchLift, type LaunchLift, type LiftRow } from './baseline-lift.js';
export { launchHalfLife, type LaunchHalfLife } from './half-life.js';
export { launchComparison, type LaunchComparison, type ComparedLaunch } from './launch-comparison.js';
export { engagementAccrual, ACCRUED_LABEL, BY_POST_TIME_LABEL, type EngagementAccrual } from './engagement-accrual.js';
export { topPosts, type TopPost } from './top-posts.js';
export { topContributors, type TopContributors, type Contributor } from './top-contributors.js';
export { topCommentThreads, type CommentThread } from './top-threads.js';

export { markRollupHoursDirty, refreshDirtyRollups, rebuildRollups, type RollupChange, type RefreshOptions, type RefreshResult } from './rollups/index.js';
