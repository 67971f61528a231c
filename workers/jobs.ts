import { UnrecoverableError, type Job } from 'bullmq';
import { markRollupHoursDirty } from '../src/analytics/rollups/mark-dirty.js';
import { refreshDirtyRollups } from '../src/analytics/rollups/refresh.js';
import type { AppConfig } from '../src/config/index.js';
import type { CollectorRegistry } from '../src/ingestion/collector.js';
import { runBatchCompliance } from '../src/ingestion/batch-compliance.js';
import { runEngagementRefresh } from '../src/ingestion/engagement-refresh.js';
import { RateLimitedError, RetryableError, type IngestionError } from '../src/ingestion/errors.js';
import { campaignsNeedingReattribution, reattributeCampaign } from '../src/ingestion/reattribute.js';
import { runPass } from '../src/ingestion/run-pass.js';
import type { Logger } from '../src/observability/logger.js';
import type { XConnection } from '../src/sources/index.js';
import { createXBatchCompliance } from '../src/sources/x/compliance.js';
import { createTweetLookup } from '../src/sources/x/lookup.js';
import type { Pool } from '../src/store/db.js';
import type { RunKind } from '../src/store/runs.js';
import { findSourceBySlug } from '../src/store/sources.js';
import { JOB_PAYLOADS, JOB_RETENTION, type IngestJobData, type IngestJobName, type IngestQueue, type JobName } from './queues.js';

// The job handlers: thin glue from a BullMQ job to the ingestion, analytics and attribution code.
// Each parses its payload with its schema first, so a malformed job fails once, loudly, not forever.

export interface JobContext {
  config: AppConfig;
  pool: Pool;
  queue: IngestQueue;
  collectors: CollectorRegistry;
  /** X's client and the rate-limit budget shared through Redis; undefined without a token. */
  x: XConnection | undefined;
  log: Logger;
}

type Handler = (job: Job<IngestJobData, unknown, IngestJobName>, context: JobContext, signal?: AbortSignal) => Promise<unknown>;

const handlers: Record<JobName, Handler> = {
  incremental: (job, context, signal) => sourcePass('incremental', job, context, signal),
  sweep: (job, context, signal) => sourcePass('sweep', job, context, signal),

  async refresh(job, context, signal) {
    const { campaignId } = JOB_PAYLOADS.refresh.parse(job.data);
    if (!context.x) return { skipped: 'X_BEARER_TOKEN is not set' };
    const lookup = createTweetLookup(context.x);
    try {
      const summary = await runEngagementRefresh(
        {
          pool: context.pool,
          lookup,
          dailyReadBudget: context.config.env.X_REFRESH_DAILY_BUDGET,
          complianceRecheckDays: context.config.env.X_COMPLIANCE_RECHECK_DAYS,
          logger: context.log,
        },
        { campaignId, ...(signal ? { signal } : {}) },
      );
      if (summary.read > 0 || summary.removed.deleted + summary.removed.notAuthorized > 0) await requestRollups(context.queue);
      return summary;
    } catch (error) {
      return resumeAfterRateLimit(error, job, context.queue, `refresh-${campaignId}`);
    }
  },

  async compliance(job, context, signal) {
    const { campaignId } = JOB_PAYLOADS.compliance.parse(job.data);
    if (!context.x) return { skipped: 'X_BEARER_TOKEN is not set' };
    const compliance = createXBatchCompliance(context.x);
    try {
      const summary = await runBatchCompliance({ pool: context.pool, compliance, logger: context.log }, { campaignId, ...(signal ? { signal } : {}) });
      await requestRollups(context.queue);
      return summary;
    } catch (error) {
      return resumeAfterRateLimit(error, job, context.queue, `compliance-${campaignId}`);
    }
  },

  async rollups(_job, context) {
    const result = await refreshDirtyRollups(context.pool);
    if (result.hours > 0) context.log.debug({ ...result }, 'rollups refreshed');
    return result;
  },

  async reattribute(job, context, signal) {
    const results = [];
    for (const campaign of await campaignsNeedingReattribution(context.pool)) {
      context.log.info({ campaign: campaign.slug, resumable: campaign.resumable }, 'locality rules changed: re-attributing the campaign');
      const result = await reattributeCampaign(context.pool, campaign.campaignId, {
        ...(signal ? { signal } : {}),
        onProgress: (done, total) => void job.updateProgress({ campaign: campaign.slug, done, total }).catch(() => {}),
        onBatch: markRollupHoursDirty,
      });
      context.log.info({ campaign: campaign.slug, ...result }, 'campaign re-attributed');
      results.push({ campaign: campaign.slug, ...result });
    }
    if (results.some((r) => r.changed > 0)) await requestRollups(context.queue);
    return results;
  },
};

export async function processJob(job: Job<IngestJobData, unknown, IngestJobName>, context: JobContext, signal?: AbortSignal): Promise<unknown> {
  const handler = (handlers as Partial<Record<string, Handler>>)[job.name];
  if (!handler) throw new UnrecoverableError(`unknown job "${job.name}": this worker is older than the one that queued it`);
  return handler(job, context, signal);
}

async function sourcePass(kind: Extract<RunKind, 'incremental' | 'sweep'>, job: Job<IngestJobData, unknown, IngestJobName>, context: JobContext, signal?: AbortSignal): Promise<unknown> {
  const data = JOB_PAYLOADS[kind].parse(job.data);
  const source = await findSourceBySlug(context.pool, data.sourceSlug);
  if (!source || !source.enabled) return { skipped: 'source removed or disabled' };
  const collector = context.collectors.create(source, { kind });
  if (!collector) throw new UnrecoverableError(`no ${kind} collector for source kind "${source.kind}" in this build`);

  const outcome = await runPass(context.pool, source, collector, {
    kind,
    trigger: 'schedule',
    ...(signal ? { signal } : {}),
    logger: context.log,
    onPage: (counts) => void job.updateProgress({ pages: counts.pages, fetched: counts.fetched }).catch(() => {}),
  });
  if (outcome.status === 'skipped') return { skipped: outcome.reason };
  const summary = { runId: outcome.runId, ...outcome.counts };
  if (outcome.counts.newCount + outcome.counts.updatedCount + outcome.counts.removedCount > 0) await requestRollups(context.queue);
  if (outcome.status === 'succeeded') {
    context.log.info({ source: source.slug, kind, ...summary }, 'pass finished');
    return summary;
  }
  // Shutdown or a lost lock cut the pass short: failing the job lets BullMQ retry it, and the retry
  // resumes at the last stored page (or is skipped while another worker holds the lock).
  if (outcome.status === 'interrupted') {
    throw new RetryableError('INTERRUPTED', `${kind} pass of ${source.slug} interrupted by ${outcome.reason === 'lock-lost' ? 'the loss of its source lock' : 'shutdown'}`);
  }
  context.log.warn({ source: source.slug, kind, code: outcome.error.code, err: outcome.error.message }, `pass ${outcome.status}`);
  if (outcome.error instanceof RateLimitedError) return resumeAfterRateLimit(outcome.error, job, context.queue, `${kind}-${source.slug}`, summary);
  // Permanent problems wait for the next scheduled run (and an operator); retrying now would only hammer the API.
  if (outcome.error.kind === 'permanent') return { ...summary, error: outcome.error.code };
  throw outcome.error;
}

/**
 * A rate limit is not a failure and must not become a retry storm: one delayed job carries on when
 * the window resets (the id makes several workers hitting the same reset add it once).
 */
async function resumeAfterRateLimit(error: unknown, job: Job<IngestJobData, unknown, IngestJobName>, queue: IngestQueue, key: string, summary: object = {}): Promise<unknown> {
  if (!(error instanceof RateLimitedError)) throw error as IngestionError;
  const resetAt = error.resetAt.getTime();
  await queue.add(job.name, job.data, { ...JOB_RETENTION, delay: Math.max(0, resetAt - Date.now()), jobId: `resume-${key}-${resetAt}` });
  return { ...summary, waitingUntil: error.resetAt.toISOString() };
}

/** Asks for a rollup refresh soon; while one is queued, further requests are folded into it. */
export async function requestRollups(queue: IngestQueue): Promise<void> {
  await queue.add('rollups', {}, { ...JOB_RETENTION, deduplication: { id: 'rollups-requested' }, delay: 2_000 });
}
