import { z } from 'zod';
import { launchLift, parseAnalyticsRequest, type Lift, type LiftRow } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { answeredFrom, groupKey, launchRef, liftQuery } from './launch-analytics-schemas.js';

const interval = z
  .object({
    lower: z.number(),
    upper: z.number().nullable().describe('null when unbounded (nothing in the baseline)'),
    confidence: z.number(),
    method: z.literal('exact-conditional-poisson'),
  })
  .nullable()
  .describe('null for measures that are not counts of events (reach)');

const liftView = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), baselineMean: z.number(), postMean: z.number(), lift: z.number(), interval }),
  z.object({ status: z.literal('not-enough-baseline'), baselineMean: z.number(), postMean: z.number().nullable(), reason: z.string() }),
  z.object({ status: z.literal('not-started'), baselineMean: z.number(), postMean: z.null(), reason: z.string() }),
]);

const liftRowView = z.object({
  slug: z.string().nullable().describe('null for the total and for "unattributed"'),
  name: z.string(),
  posts: liftView,
  uniqueAuthors: liftView,
  engagement: liftView,
  reach: liftView,
});

const period = z.object({ days: z.number().int(), from: z.string(), to: z.string() });

export const launchLiftView = z.object({
  launch: launchRef,
  baseline: period,
  post: period.describe('the complete post-launch days compared (at most the window’s after)'),
  answeredFrom,
  method: z.string(),
  total: liftRowView,
  byLocality: z.array(liftRowView),
  bySource: z.array(liftRowView),
});

const MEASURES = ['posts', 'uniqueAuthors', 'engagement', 'reach'] as const;

const liftCsvRow = z.object({
  scope: z.enum(['total', 'locality', 'source']),
  group: z.string(),
  name: z.string(),
  measure: z.enum(MEASURES),
  status: z.string(),
  baselineMean: z.number(),
  postMean: z.number().nullable(),
  lift: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  confidence: z.number().nullable(),
  reason: z.string().nullable(),
});

// JSON has no Infinity (JSON.stringify would write null silently): say "unbounded" as null on purpose.
function finiteLift(lift: Lift): z.input<typeof liftView> {
  if (lift.status !== 'ok' || lift.interval === null) return lift;
  return { ...lift, interval: { ...lift.interval, upper: Number.isFinite(lift.interval.upper) ? lift.interval.upper : null } };
}

const finiteRow = (row: LiftRow): z.input<typeof liftRowView> => ({
  slug: row.slug,
  name: row.name,
  posts: finiteLift(row.posts),
  uniqueAuthors: finiteLift(row.uniqueAuthors),
  engagement: finiteLift(row.engagement),
  reach: finiteLift(row.reach),
});

function csvRows(scope: 'total' | 'locality' | 'source', row: z.output<typeof liftRowView>): z.output<typeof liftCsvRow>[] {
  return MEASURES.map((measure) => {
    const lift = row[measure];
    const ok = lift.status === 'ok' ? lift : undefined;
    return {
      scope,
      group: scope === 'total' ? 'all' : groupKey(row),
      name: row.name,
      measure,
      status: lift.status,
      baselineMean: lift.baselineMean,
      postMean: lift.postMean,
      lift: ok?.lift ?? null,
      lower: ok?.interval?.lower ?? null,
      upper: ok?.interval?.upper ?? null,
      confidence: ok?.interval?.confidence ?? null,
      reason: lift.status === 'ok' ? null : lift.reason,
    };
  });
}

export const launchLiftRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/lift',
    tag: 'launch analytics',
    summary: 'Baseline (daily mean before the launch) and lift (after ÷ before) with 95% intervals, in total, per locality and per source',
    description:
      'A lift needs a baseline: with nothing before the launch the status is "not-enough-baseline", and before a whole day has passed "not-started", each with the reason. CSV: one row per group and measure.',
    access: 'viewer',
    params: launchParams,
    query: liftQuery,
    response: launchLiftView,
    csv: {
      filename: 'launch-lift',
      row: liftCsvRow,
      rows: (result) => [
        ...csvRows('total', result.total),
        ...result.byLocality.flatMap((row) => csvRows('locality', row)),
        ...result.bySource.flatMap((row) => csvRows('source', row)),
      ],
    },
    handler({ params, query, services }) {
      const request = parseAnalyticsRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('lift', request), async () => {
        const lift = await launchLift(services.db, request, services.now());
        return { ...lift, total: finiteRow(lift.total), byLocality: lift.byLocality.map(finiteRow), bySource: lift.bySource.map(finiteRow) };
      });
    },
  }),
];
