import { z } from 'zod';
import { engagementAccrual, parseAnalyticsRequest } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { accrualQuery, answeredFrom, bucketValueCell, bucketView, point, startedValue, windowView } from './launch-analytics-schemas.js';

const labelledSeries = z.object({ label: z.string(), points: z.array(point), cumulative: z.array(point) });

export const accrualView = z.object({
  window: windowView,
  buckets: z.array(bucketView),
  answeredFrom,
  accrued: labelledSeries.describe('engagement that happened in each bucket (growth between engagement snapshots)'),
  byPostTime: labelledSeries.describe('engagement of the posts made in each bucket, as last collected'),
});

const accrualRow = z.object({
  t: z.number(),
  start: z.string(),
  localStart: z.string(),
  accrued: bucketValueCell,
  accruedCumulative: bucketValueCell,
  byPostTime: bucketValueCell,
  byPostTimeCumulative: bucketValueCell,
});

export const launchAccrualRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/accrual',
    tag: 'launch analytics',
    summary: 'Engagement accrued in each bucket next to the engagement of the posts made in it, each labelled, with running totals',
    description: 'window.startedBuckets says how many buckets had started at window.asOf. CSV: one row per bucket, values empty for buckets not yet started.',
    access: 'viewer',
    params: launchParams,
    query: accrualQuery,
    response: accrualView,
    csv: {
      filename: 'engagement-accrual',
      row: accrualRow,
      rows: (result) => {
        const value = (points: readonly { y: number }[], index: number) => startedValue(points, index, result.window.startedBuckets);
        return result.buckets.map((bucket, index) => ({
          t: bucket.t,
          start: bucket.start,
          localStart: bucket.localStart,
          accrued: value(result.accrued.points, index),
          accruedCumulative: value(result.accrued.cumulative, index),
          byPostTime: value(result.byPostTime.points, index),
          byPostTimeCumulative: value(result.byPostTime.cumulative, index),
        }));
      },
    },
    handler({ params, query, services }) {
      const request = parseAnalyticsRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('accrual', request), () => engagementAccrual(services.db, request, services.now()));
    },
  }),
];
