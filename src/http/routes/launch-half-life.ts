import { z } from 'zod';
import { ACCRUED_LABEL, BY_POST_TIME_LABEL, launchHalfLife, parseAnalyticsRequest } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { answeredFrom, halfLifeQuery } from './launch-analytics-schemas.js';

const halfLife = z.object({
  hours: z.number().nullable().describe('hours from the launch until half the post-launch total had accrued; null when there was none'),
  total: z.number(),
});

export const halfLifeView = z.object({
  launch: z.object({ slug: z.string(), at: z.string() }),
  windowHours: z.number().int(),
  complete: z.boolean().describe('false while the post-launch window is still running: the half-life can still grow'),
  answeredFrom,
  accrued: halfLife.describe('from engagement accrued (snapshot deltas): when the attention happened'),
  byPostTime: halfLife.describe('from the engagement of the posts made each hour'),
});

const halfLifeRow = z.object({
  series: z.enum(['accrued', 'byPostTime']),
  label: z.string(),
  hours: z.number().nullable(),
  total: z.number(),
  windowHours: z.number(),
  complete: z.boolean(),
});

export const launchHalfLifeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/half-life',
    tag: 'launch analytics',
    summary: "Attention half-life: hours until half of the window's post-launch engagement had accrued",
    access: 'viewer',
    params: launchParams,
    query: halfLifeQuery,
    response: halfLifeView,
    csv: {
      filename: 'half-life',
      row: halfLifeRow,
      rows: (result) =>
        (['accrued', 'byPostTime'] as const).map((series) => ({
          series,
          label: series === 'accrued' ? ACCRUED_LABEL : BY_POST_TIME_LABEL,
          hours: result[series].hours,
          total: result[series].total,
          windowHours: result.windowHours,
          complete: result.complete,
        })),
    },
    handler({ params, query, services }) {
      const request = parseAnalyticsRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('half-life', request), () => launchHalfLife(services.db, request, services.now()));
    },
  }),
];
