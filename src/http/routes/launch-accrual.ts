import { z } from 'zod';
import { engagementAccrual, parseAnalyticsRequest } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { accrualQuery, answeredFrom, bucketView, point, windowView } from './launch-analytics-schemas.js';

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
  accrued: z.number(),
  accruedCumulative: z.number(),
  byPostTime: z.number(),
  byPostTimeCumulative: z.number(),
});

export const launchAccrualRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/accrual',
    tag: 'launch analytics',
    summary: 'Engagement accrued in each bucket next to the engagement of the posts made in it, each labelled, with running totals',
    access: 'viewer',
    params: launchParams,
    query: accrualQuery,
    response: accrualView,
    csv: {
      filename: 'engagement-accrual',
      row: accrualRow,
      rows: (result) =>
        result.buckets.map((bucket, index) => ({
          t: bucket.t,
          start: bucket.start,
          localStart: bucket.localStart,
          accrued: result.accrued.points[index]?.y ?? 0,
          accruedCumulative: result.accrued.cumulative[index]?.y ?? 0,
          byPostTime: result.byPostTime.points[index]?.y ?? 0,
          byPostTimeCumulative: result.byPostTime.cumulative[index]?.y ?? 0,
        })),
    },
    handler({ params, query, services }) {
      const request = parseAnalyticsRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('accrual', request), () => engagementAccrual(services.db, request));
    },
  }),
];
