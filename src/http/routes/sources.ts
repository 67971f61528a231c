import { z } from 'zod';
import { recentRuns } from '../../store/runs.js';
import { listCoverageGaps, listSourceHealth, type CoverageGap } from '../../store/source-health.js';
import { defineRoute } from '../api-route.js';
import { campaignParams, requireCampaign, requireCampaignSource, sourceFilter } from '../campaign-scope.js';
import { BadParameterError } from '../errors.js';
import { instant, limit, slug } from '../params.js';
import { describeStatus, explainError } from '../plain-words.js';

// Source health for the Sources view: status, last and next run, run counts and rate-limit waits
// over a window, the last error in plain words, and coverage gaps (time ranges when a source kept
// failing or was held by rate limits) so charts can shade them rather than show false silence.

const WEEK_MS = 7 * 86_400_000;
const MAX_WINDOW_MS = 400 * 86_400_000;

const windowQuery = z.strictObject({
  since: instant().optional().describe('start of the window (default: 7 days before until)'),
  until: instant().optional().describe('end of the window, exclusive (default: now)'),
});

function resolveWindow(query: z.output<typeof windowQuery>): { since: Date; until: Date } {
  const until = query.until ?? new Date();
  const since = query.since ?? new Date(until.getTime() - WEEK_MS);
  if (since >= until) throw new BadParameterError('since', 'query', 'since must be before until');
  if (until.getTime() - since.getTime() > MAX_WINDOW_MS) throw new BadParameterError('since', 'query', 'since must be at most 400 days before until');
  return { since, until };
}

export const gapView = z.object({
  source: z.string(),
  runKind: z.string().describe('the kind of pass that kept failing: incremental, backfill or sweep'),
  from: z.date(),
  to: z.date().nullable().describe('when collection succeeded again; null while the gap goes on'),
  reasons: z.array(z.enum(['failed', 'rate-limited'])),
  runs: z.number().int(),
  lastError: z.string().nullable().describe('in plain words'),
  lastErrorCode: z.string().nullable(),
});

const toGapView = (gap: CoverageGap): z.input<typeof gapView> => ({
  source: gap.sourceSlug,
  runKind: gap.runKind,
  from: gap.from,
  to: gap.to,
  reasons: gap.reasons,
  runs: gap.runs,
  lastError: gap.lastError === null ? null : explainError(gap.lastErrorCode, gap.lastError),
  lastErrorCode: gap.lastErrorCode,
});

export const sourceHealthView = z.object({
  slug: z.string(),
  kind: z.string(),
  target: z.string().nullable().describe('the X query, or the site or feed URL'),
  enabled: z.boolean(),
  every: z.number().int().describe('milliseconds between scheduled runs'),
  status: z.enum(['new', 'ok', 'failing', 'rate-limited', 'disabled']),
  statusText: z.string(),
  lastRunAt: z.date().nullable(),
  lastSuccessAt: z.date().nullable(),
  nextRunAt: z.date().nullable().describe('when the scheduler fires next; null when not known (no queue connected, or not scheduled)'),
  lastError: z
    .object({ code: z.string().nullable(), explanation: z.string(), message: z.string(), at: z.date().nullable() })
    .nullable(),
  runs: z
    .object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      rateLimited: z.number().int(),
      interrupted: z.number().int(),
      running: z.number().int(),
      fetched: z.number().int(),
      newPosts: z.number().int(),
      updatedPosts: z.number().int(),
      rateLimitWaits: z.number().int(),
      rateLimitWaitMs: z.number().int(),
    })
    .describe('runs started within the window'),
  coverageGaps: z.array(gapView),
});

// The CSV has one row per source; gaps are a list endpoint of their own.
const sourceHealthRow = sourceHealthView.omit({ coverageGaps: true }).extend({ coverageGaps: z.number().int() });

const runView = z.object({
  id: z.number().int(),
  kind: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'rate-limited', 'interrupted']),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  pages: z.number().int(),
  fetched: z.number().int(),
  newPosts: z.number().int(),
  updatedPosts: z.number().int(),
  rateLimitWaits: z.number().int(),
  rateLimitWaitMs: z.number().int(),
  dropped: z.record(z.string(), z.number()).describe('items dropped, by reason'),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
});

export const sourceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/sources',
    tag: 'sources',
    summary: "A campaign's sources and how each is doing",
    access: 'viewer',
    params: campaignParams,
    query: windowQuery,
    response: z.object({ since: z.date(), until: z.date(), items: z.array(sourceHealthView) }),
    csv: {
      filename: 'sources',
      row: sourceHealthRow,
      rows: (result) => result.items.map((source) => ({ ...source, coverageGaps: source.coverageGaps.length })),
    },
    async handler({ params, query, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      const window = resolveWindow(query);
      const [sources, gaps] = await Promise.all([listSourceHealth(services.db, campaign.id, window), listCoverageGaps(services.db, campaign.id, window)]);
      const nextRuns = services.nextRuns ? await services.nextRuns(sources.map((source) => source.slug)) : new Map<string, Date>();
      return {
        ...window,
        items: sources.map((source) => ({
          slug: source.slug,
          kind: source.kind,
          target: source.target,
          enabled: source.enabled,
          every: source.everyMs,
          status: source.status,
          statusText: describeStatus(source.status),
          lastRunAt: source.lastRunAt,
          lastSuccessAt: source.lastSuccessAt,
          nextRunAt: (source.enabled && nextRuns.get(source.slug)) || null,
          lastError: source.lastError && {
            code: source.lastError.code,
            explanation: explainError(source.lastError.code, source.lastError.message),
            message: source.lastError.message,
            at: source.lastError.at,
          },
          runs: source.runs,
          coverageGaps: gaps.filter((gap) => gap.sourceSlug === source.slug).map(toGapView),
        })),
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/coverage-gaps',
    tag: 'sources',
    summary: 'Time ranges when a source kept failing or was held by rate limits (shade these on time charts)',
    access: 'viewer',
    params: campaignParams,
    query: windowQuery.extend({ source: slug('a source slug').optional().describe('only this source') }),
    response: z.object({ since: z.date(), until: z.date(), items: z.array(gapView) }),
    csv: { filename: 'coverage-gaps', row: gapView, rows: (result) => result.items },
    async handler({ params, query, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      const window = resolveWindow(query);
      const source = query.source ? await sourceFilter(services.db, campaign, query.source) : undefined;
      const gaps = await listCoverageGaps(services.db, campaign.id, window, source ? { sourceId: source.id } : {});
      return { ...window, items: gaps.map(toGapView) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/sources/:source/runs',
    tag: 'sources',
    summary: "A source's most recent runs (the run ledger), newest first",
    access: 'viewer',
    params: campaignParams.extend({ source: slug('a source slug') }),
    query: z.strictObject({ limit: limit(50, 200) }),
    response: z.object({ items: z.array(runView) }),
    csv: { filename: 'runs', row: runView, rows: (result) => result.items },
    async handler({ params, query, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      const source = await requireCampaignSource(services.db, campaign, params.source);
      const runs = await recentRuns(services.db, source.id, query.limit);
      return {
        items: runs.map((run) => ({
          id: run.id,
          kind: run.kind,
          trigger: run.trigger,
          status: run.status,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          pages: run.counts.pages,
          fetched: run.counts.fetched,
          newPosts: run.counts.newCount,
          updatedPosts: run.counts.updatedCount,
          rateLimitWaits: run.counts.rateLimitWaits,
          rateLimitWaitMs: run.counts.rateLimitWaitMs,
          dropped: run.counts.dropped,
          errorCode: run.errorCode,
          error: run.error,
        })),
      };
    },
  }),
];
