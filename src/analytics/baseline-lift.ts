import { DAY_MS, liftOf, planLaunchWindow, type AnalyticsRequest, type Lift, type LaunchWindow } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { readBucketRows, resolveSeriesRequest, splitGroups, type SeriesOptions } from './launch-series.js';
import type { AnsweredFrom, BucketRow } from './series-query.js';

export interface LiftRow {
  /** Locality or source slug; null for the total and for "unattributed". */
  slug: string | null;
  name: string;
  posts: Lift;
  uniqueAuthors: Lift;
  engagement: Lift;
  /** No interval: a sum of follower counts is not a count of events. */
  reach: Lift;
}

export interface LaunchLift {
  launch: { slug: string; title: string; at: string };
  baseline: { days: number; from: string; to: string };
  /** Complete post-launch days compared (at most the window's `after`). */
  post: { days: number; from: string; to: string };
  answeredFrom: AnsweredFrom;
  /**
   * Means are per day over launch-aligned 24-hour days; distinct authors are counted per day and
   * summed. Intervals: exact conditional Poisson rate-ratio (F/Beta) at 95%. For engagement they
   * assume independent actions, which one viral post breaks, so read them as a lower bound on the
   * uncertainty.
   */
  method: string;
  total: LiftRow;
  byLocality: LiftRow[];
  bySource: LiftRow[];
}

type Measure = 'posts' | 'uniqueAuthors' | 'engagement' | 'reach';
const COUNTS: Record<Measure, boolean> = { posts: true, uniqueAuthors: true, engagement: true, reach: false };

function liftRow(window: LaunchWindow, rows: readonly BucketRow[], days: { baseline: number; post: number }, label: { slug: string | null; name: string }): LiftRow {
  const launchIndex = window.launchBucketIndex;
  const total = (measure: Measure, from: number, to: number) => rows.filter((row) => row.bucket >= from && row.bucket < to).reduce((sum, row) => sum + row[measure], 0);
  const lift = (measure: Measure) =>
    liftOf({
      baselineTotal: total(measure, 0, days.baseline),
      baselineDays: days.baseline,
      postTotal: total(measure, launchIndex, launchIndex + days.post),
      postDays: days.post,
      isCount: COUNTS[measure],
    });
  return { ...label, posts: lift('posts'), uniqueAuthors: lift('uniqueAuthors'), engagement: lift('engagement'), reach: lift('reach') };
}

/**
 * Baseline (mean per day over `baselineDays` before the launch) and lift (post-launch mean per day
 * ÷ baseline) for every measure, in total, per locality (unattributed included) and per source.
 * The post-launch period is the window's `after` days, or the complete days of it elapsed at `now`
 * (a partly elapsed day would read low): in the first 24 hours the status is "not-started". For a
 * launch still ahead, the baseline likewise covers only its days complete at `now`: the zero-filled
 * days still to come would pull its mean down.
 */
export async function launchLift(db: Queryable, request: AnalyticsRequest, now: Date = new Date(), options: SeriesOptions = {}): Promise<LaunchLift> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, { before: request.baselineDays, after: request.after, bucket: 'day' });
  const completeDaysSince = (from: Date, atMost: number) => Math.max(0, Math.min(atMost, Math.floor((now.getTime() - from.getTime()) / DAY_MS)));
  const days = { baseline: completeDaysSince(window.from, request.baselineDays), post: completeDaysSince(launch.at, request.after) };

  const query = { campaignId: campaign.id, window, filters };
  const byLocality = await readBucketRows(db, { ...query, split: 'locality' }, options.answerFrom);
  const bySource = await readBucketRows(db, { ...query, split: 'source' }, options.answerFrom);
  const rowsOf = (rows: readonly BucketRow[], key: string | null) => rows.filter((row) => row.splitKey === key);
  const present = (rows: readonly BucketRow[]) => new Set(rows.flatMap((row) => (row.splitKey === null ? [] : [row.splitKey])));
  const localityLabels = await splitGroups(db, campaign.id, 'locality', filters, present(byLocality.rows));
  const sourceLabels = await splitGroups(db, campaign.id, 'source', filters, present(bySource.rows));

  return {
    launch: { slug: launch.slug, title: launch.title, at: launch.at.toISOString() },
    baseline: { days: days.baseline, from: window.from.toISOString(), to: new Date(window.from.getTime() + days.baseline * DAY_MS).toISOString() },
    post: { days: days.post, from: launch.at.toISOString(), to: new Date(launch.at.getTime() + days.post * DAY_MS).toISOString() },
    answeredFrom: byLocality.answeredFrom,
    method: 'daily means over launch-aligned 24-hour days; 95% exact conditional Poisson rate-ratio interval (F/Beta method) for counts',
    total: liftRow(window, rowsOf(byLocality.rows, null), days, { slug: null, name: 'All posts' }),
    byLocality: localityLabels.map((label) => liftRow(window, rowsOf(byLocality.rows, label.splitKey), days, label)),
    bySource: sourceLabels.map((label) => liftRow(window, rowsOf(bySource.rows, label.splitKey), days, label)),
  };
}
