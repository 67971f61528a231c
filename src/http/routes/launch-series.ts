import { z } from 'zod';
import { launchSeries, parseAnalyticsRequest } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { answeredFrom, bucketView, groupKey, launchRef, metricSeriesView, seriesQuery, seriesRow, seriesRows, windowView } from './launch-analytics-schemas.js';

export const seriesView = z.object({
  campaign: z.object({ slug: z.string(), name: z.string(), timezone: z.string() }),
  launch: launchRef,
  window: windowView,
  buckets: z.array(bucketView),
  filters: z.object({ locality: z.string().nullable(), source: z.string().nullable(), platform: z.enum(['x', 'site']).nullable() }),
  answeredFrom,
  total: metricSeriesView,
  split: z
    .object({
      by: z.enum(['locality', 'platform', 'source']),
      groups: z.array(z.object({ slug: z.string().nullable().describe('null for "unattributed"'), name: z.string(), metrics: metricSeriesView })),
    })
    .nullable(),
});

export const launchSeriesRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/series',
    tag: 'launch analytics',
    summary: 'Posts, distinct authors, engagement and reach around a launch, bucketed from t = 0, zero-filled, with running totals',
    description:
      'x is hours from the launch to the bucket start. With split, one series per locality (and "unattributed"), platform or source as well as the total. window.startedBuckets says how many buckets had started at window.asOf: later ones have not happened yet. CSV: one row per series and bucket, values empty for buckets not yet started.',
    access: 'viewer',
    params: launchParams,
    query: seriesQuery,
    response: seriesView,
    csv: {
      filename: 'launch-series',
      row: seriesRow,
      rows: (result) => [
        ...seriesRows('all', 'All posts', result.total, result.buckets, result.window.startedBuckets),
        ...(result.split?.groups.flatMap((group) => seriesRows(groupKey(group), group.name, group.metrics, result.buckets, result.window.startedBuckets)) ?? []),
      ],
    },
    handler({ params, query, services }) {
      const request = parseAnalyticsRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('series', request), () => launchSeries(services.db, request, services.now()));
    },
  }),
];
