import { attentionHalfLife, hourlyPostLaunchWindow, zeroFilled, type AnalyticsRequest, type HalfLife } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { readAccrualBuckets } from './engagement-accrual.js';
import { readBucketRows, resolveSeriesRequest, type SeriesOptions } from './launch-series.js';
import type { AnsweredFrom } from './series-query.js';

export interface LaunchHalfLife {
  launch: { slug: string; at: string };
  /** The post-launch part of the window the half is taken of: [launch, launch + after days). */
  windowHours: number;
  /** True once the whole post-launch window has passed; before that the half-life can still grow. */
  complete: boolean;
  answeredFrom: AnsweredFrom;
  /** From engagement accrued (snapshot deltas): when the attention actually happened. */
  accrued: HalfLife;
  /** From the engagement of the posts made each hour: when the conversation that drew it was posted. */
  byPostTime: HalfLife;
}

/**
 * Attention half-life: hours from the launch until half of the window's post-launch engagement had
 * accrued, at hour resolution with linear interpolation inside the crossing hour (whatever bucket
 * the request asked for). A window with no days after the launch is read as one day.
 */
export async function launchHalfLife(db: Queryable, request: AnalyticsRequest, now: Date = new Date(), options: SeriesOptions = {}): Promise<LaunchHalfLife> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = hourlyPostLaunchWindow(launch.at, Math.max(request.after, 1));
  const query = { campaignId: campaign.id, window, filters };
  const { rows, answeredFrom } = await readBucketRows(db, { ...query, split: null }, options.answerFrom);
  const accrued = zeroFilled(window, await readAccrualBuckets(db, query, answeredFrom));
  const byPostTime = zeroFilled(window, new Map(rows.map((row) => [row.bucket, row.engagement])));
  return {
    launch: { slug: launch.slug, at: launch.at.toISOString() },
    windowHours: window.bucketCount,
    complete: now.getTime() >= window.to.getTime(),
    answeredFrom,
    accrued: attentionHalfLife(accrued.map((point) => point.y)),
    byPostTime: attentionHalfLife(byPostTime.map((point) => point.y)),
  };
}
