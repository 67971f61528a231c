import { z } from 'zod';
import { launchComparison, parseLaunchComparisonRequest } from '../../analytics/index.js';
import { HOUR_MS, localIsoString } from '../../domain/launch/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { campaignParams } from '../campaign-scope.js';
import { answeredFrom, comparisonQuery, metricSeriesView, seriesRow, seriesRows, windowView } from './launch-analytics-schemas.js';

export const comparisonView = z.object({
  campaign: z.object({ slug: z.string(), timezone: z.string() }),
  bucket: z.enum(['hour', 'day']),
  t: z.array(z.number()).describe('the shared x axis: hours from each launch to the bucket start'),
  launches: z.array(z.object({ slug: z.string(), title: z.string(), at: z.string(), window: windowView, answeredFrom, metrics: metricSeriesView })),
});

/** Each bucket's times around one launch (the comparison shares t, not times). */
function bucketsAround(launchAt: string, t: readonly number[], bucket: 'hour' | 'day', timeZone: string) {
  const at = Date.parse(launchAt);
  const size = (bucket === 'hour' ? 1 : 24) * HOUR_MS;
  return t.map((hours) => {
    const start = new Date(at + hours * HOUR_MS);
    return { t: hours, start: start.toISOString(), end: new Date(start.getTime() + size).toISOString(), localStart: localIsoString(start, timeZone) };
  });
}

export const launchComparisonRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/compare',
    tag: 'launch analytics',
    summary: "Several launches' series overlaid at t = 0: the same window and bucket around each",
    description:
      "Each launch's window.startedBuckets says how much of its window had happened at window.asOf (a launch still ahead has 0). CSV: one row per launch and bucket; series is the launch slug, start the bucket start around that launch; values empty for buckets not yet started.",
    access: 'viewer',
    params: campaignParams,
    query: comparisonQuery,
    response: comparisonView,
    csv: {
      filename: 'launch-comparison',
      row: seriesRow,
      rows: (result) => result.launches.flatMap((launch) => seriesRows(launch.slug, launch.title, launch.metrics, bucketsAround(launch.at, result.t, result.bucket, result.campaign.timezone), launch.window.startedBuckets)),
    },
    handler({ params, query, services }) {
      const request = parseLaunchComparisonRequest({ ...query, campaign: params.campaign });
      return services.analyticsCache.get(analyticsKey('compare', request), () => launchComparison(services.db, request, services.now()));
    },
  }),
];
