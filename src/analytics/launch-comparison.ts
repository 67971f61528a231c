import { hoursFromLaunch, planLaunchWindow, type Bucket, type LaunchComparisonRequest } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { metricSeries, readBucketRows, windowInfo, type MetricSeries, type SeriesOptions, type WindowInfo } from './launch-series.js';
import { resolveCampaign, resolveFilters, resolveLaunches } from './resolve-request.js';
import type { AnsweredFrom } from './series-query.js';

export interface ComparedLaunch {
  slug: string;
  title: string;
  at: string;
  window: WindowInfo;
  answeredFrom: AnsweredFrom;
  metrics: MetricSeries;
}

export interface LaunchComparison {
  campaign: { slug: string; timezone: string };
  bucket: Bucket;
  /** The shared x axis: hours from each launch to the bucket's start. */
  t: number[];
  launches: ComparedLaunch[];
}

/**
 * Several launches' series overlaid at t = 0: the same window and bucket around each launch. Each
 * launch's `window.startedBuckets` says how much of its window had happened at `now` (one instant
 * for all of them).
 */
export async function launchComparison(db: Queryable, request: LaunchComparisonRequest, now: Date = new Date(), options: SeriesOptions = {}): Promise<LaunchComparison> {
  const campaign = await resolveCampaign(db, request.campaign);
  const launches = await resolveLaunches(db, campaign, request.launches, 'launches');
  const filters = await resolveFilters(db, campaign, request);
  const compared: ComparedLaunch[] = [];
  for (const launch of launches) {
    const window = planLaunchWindow(launch.at, request);
    const { rows, answeredFrom } = await readBucketRows(db, { campaignId: campaign.id, window, filters, split: null }, options.answerFrom);
    compared.push({ slug: launch.slug, title: launch.title, at: launch.at.toISOString(), window: windowInfo(window, now), answeredFrom, metrics: metricSeries(window, rows) });
  }
  const shape = planLaunchWindow(new Date(0), request);
  return {
    campaign: { slug: campaign.slug, timezone: campaign.timezone },
    bucket: shape.bucket,
    t: Array.from({ length: shape.bucketCount }, (_, index) => hoursFromLaunch(shape, index)),
    launches: compared,
  };
}
