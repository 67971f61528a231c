import { setTimeout as sleep } from 'node:timers/promises';
import type { PostRemoval } from '../domain/post.js';
import type { Logger } from '../observability/logger.js';
import type { ComplianceResultLine, XBatchCompliance } from '../sources/x/compliance.js';
import {
  activeComplianceJob,
  beginComplianceJob,
  latestComplianceJob,
  liveXPostIds,
  markComplianceJobEnded,
  markComplianceJobUploaded,
  purgeComplianceResults,
  type ComplianceJobRow,
} from '../store/compliance-jobs.js';
import type { Pool } from '../store/db.js';
import { endSchedulesOfRemovedPosts, findXRunSources } from '../store/engagement-refresh.js';
import { emptyRunCounts, finishRun, type RunCounts, type RunTrigger } from '../store/runs.js';
import { asIngestionError, PermanentError } from './errors.js';
import { runStopSignal } from './interrupted-run.js';
import { finishThrownLeasedRun, withRunLease } from './run-lease.js';

// X batch compliance, per campaign: upload the ids of the campaign's live X posts in a compliance
// job, and once X has the answer, purge every post it lists to a tombstone. A job can take X a long
// time, so a run polls for at most `waitMs` and a later run picks the job up where it was (the job
// is kept in x_compliance_jobs). A token whose plan lacks the endpoint (403) is recorded once and
// then left alone for `forbiddenRetryMs`, so no schedule keeps asking.

export interface BatchComplianceDeps {
  pool: Pool;
  compliance: XBatchCompliance;
  logger?: Logger;
  now?: () => Date;
}

export interface BatchComplianceOptions {
  /** Only this campaign; every enabled campaign with an x-search source when absent. */
  campaignId?: number;
  /** How long this run waits for X to finish a job before leaving it to the next run (default 0: check once). */
  waitMs?: number;
  /** Pause between status checks while waiting (default 5 s). */
  pollIntervalMs?: number;
  /** After a 403, how long to skip the campaign without asking X again (default 24 h). */
  forbiddenRetryMs?: number;
  /** At most this many ids per job, newest posts first (default 100,000). */
  maxIds?: number;
  trigger?: RunTrigger;
  signal?: AbortSignal;
}

export type ComplianceOutcome =
  /** The job's result was purged. */
  | 'purged'
  /** X is still working on the job; a later run collects it. */
  | 'pending'
  /** X refuses this token batch compliance (403); skipped until forbiddenRetryMs has passed. */
  | 'not-allowed'
  /** The campaign has no live X posts. */
  | 'nothing-to-check'
  /** Another worker is creating the campaign's job. */
  | 'busy'
  /** X reported the job failed or expired; the next run starts a new one. */
  | 'job-failed';

export interface CampaignComplianceResult {
  campaignId: number;
  outcome: ComplianceOutcome;
  runId?: number;
  jobId?: string;
  /** Ids uploaded in the job. */
  checked: number;
  /** Posts purged to tombstones now. */
  purged: number;
  /** X's result lines by reason (deleted, protected, suspended …). */
  byReason: Record<string, number>;
}

export interface BatchComplianceSummary {
  campaigns: CampaignComplianceResult[];
}

/** A stuck 'creating' row older than this lost its worker (X's upload URL expires after 15 minutes anyway). */
const CREATING_STALE_MS = 15 * 60_000;

/** How a compliance result line's reason reads on a tombstone. */
function tombstoneReason(line: ComplianceResultLine): string {
  const reason = line.reason ?? 'deleted';
  return reason === 'protected' ? 'not-authorized' : reason;
}

export async function runBatchCompliance(deps: BatchComplianceDeps, options: BatchComplianceOptions = {}): Promise<BatchComplianceSummary> {
  const summary: BatchComplianceSummary = { campaigns: [] };
  for (const { campaignId, sourceId } of await findXRunSources(deps.pool, options.campaignId)) {
    summary.campaigns.push(await checkCampaign(deps, options, campaignId, sourceId));
  }
  return summary;
}

async function checkCampaign(deps: BatchComplianceDeps, options: BatchComplianceOptions, campaignId: number, sourceId: number): Promise<CampaignComplianceResult> {
  const now = deps.now ?? (() => new Date());
  const result: CampaignComplianceResult = { campaignId, outcome: 'pending', checked: 0, purged: 0, byReason: {} };
  const latest = await latestComplianceJob(deps.pool, campaignId);
  if (latest?.status === 'forbidden' && now().getTime() - latest.updatedAt.getTime() < (options.forbiddenRetryMs ?? 24 * 60 * 60_000)) {
    return { ...result, outcome: 'not-allowed' };
  }

  return withRunLease(deps.pool, { sourceId, campaignId, kind: 'compliance', trigger: options.trigger ?? 'schedule' }, async (runId, leaseLost) => {
    result.runId = runId;
    const counts = emptyRunCounts();
    const signal = runStopSignal(options.signal, leaseLost);
    try {
      let job = await activeComplianceJob(deps.pool, campaignId, new Date(now().getTime() - CREATING_STALE_MS));
      if (job?.status === 'creating') {
        await finishRun(deps.pool, runId, { status: 'succeeded', counts });
        return { ...result, outcome: 'busy' };
      }
      if (!job) {
        const created = await createJob(deps, options, campaignId, counts, result);
        if (created === undefined) {
          await finishRun(deps.pool, runId, { status: 'succeeded', counts });
          return result;
        }
        if (created === 'forbidden') {
          await finishRun(deps.pool, runId, { status: 'failed', counts, error: { code: 'X_FORBIDDEN', message: `X does not allow this token batch compliance jobs (403); skipped for now` } });
          return result;
        }
        job = created;
      }
      result.checked = job.idsCount;
      result.jobId = job.jobId ?? undefined;
      await collectJob(deps, { ...options, signal }, job, counts, result);
      await finishRun(deps.pool, runId, { status: 'succeeded', counts });
      return result;
    } catch (caught) {
      const error = await finishThrownLeasedRun(deps.pool, runId, counts, caught, { signal, leaseLost });
      deps.logger?.warn({ campaignId, code: error.code, err: error.message }, 'batch compliance stopped');
      throw error;
    }
  });
}

/** Creates and uploads a job; undefined (with result.outcome set) when there is nothing to do, 'forbidden' on 403. */
async function createJob(
  deps: BatchComplianceDeps,
  options: BatchComplianceOptions,
  campaignId: number,
  counts: RunCounts,
  result: CampaignComplianceResult,
): Promise<ComplianceJobRow | 'forbidden' | undefined> {
  const ids = await liveXPostIds(deps.pool, campaignId, options.maxIds ?? 100_000);
  if (ids.length === 0) {
    result.outcome = 'nothing-to-check';
    return undefined;
  }
  const rowId = await beginComplianceJob(deps.pool, campaignId, ids.length);
  if (rowId === undefined) {
    result.outcome = 'busy';
    return undefined;
  }
  try {
    const job = await deps.compliance.createJob(`groundswell-campaign-${campaignId}`);
    counts.pages += 1;
    await deps.compliance.uploadIds(job, ids);
    await markComplianceJobUploaded(deps.pool, rowId, job.id);
    deps.logger?.info({ campaignId, jobId: job.id, ids: ids.length }, 'batch compliance job uploaded');
    return { id: rowId, campaignId, jobId: job.id, status: 'uploaded', idsCount: ids.length, purgedCount: 0, error: null, createdAt: new Date(), updatedAt: new Date() };
  } catch (caught) {
    const error = asIngestionError(caught);
    if (error instanceof PermanentError && error.code === 'X_FORBIDDEN') {
      await markComplianceJobEnded(deps.pool, rowId, 'forbidden', error.message);
      deps.logger?.warn({ campaignId, err: error.message }, 'X refuses this token batch compliance; skipping it for now');
      result.outcome = 'not-allowed';
      return 'forbidden';
    }
    await markComplianceJobEnded(deps.pool, rowId, 'failed', error.message);
    throw error;
  }
}

/** Polls the job for up to waitMs; purges its result once X has it. */
async function collectJob(deps: BatchComplianceDeps, options: BatchComplianceOptions, row: ComplianceJobRow, counts: RunCounts, result: CampaignComplianceResult): Promise<void> {
  if (!row.jobId) throw new PermanentError('X_COMPLIANCE_JOB', `compliance job row ${row.id} has no X job id`);
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    options.signal?.throwIfAborted();
    const job = await deps.compliance.getJob(row.jobId);
    counts.pages += 1;
    if (job.status === 'complete') {
      const lines = await deps.compliance.downloadResults(job);
      counts.fetched += lines.length;
      const removals: PostRemoval[] = [];
      for (const line of lines) {
        const reason = line.reason ?? line.action;
        result.byReason[reason] = (result.byReason[reason] ?? 0) + 1;
        if (line.action === 'delete') removals.push({ platform: 'x', externalId: line.id, reason: tombstoneReason(line) });
        else counts.dropped[`compliance-${line.action}`] = (counts.dropped[`compliance-${line.action}`] ?? 0) + 1;
      }
      result.purged = await purgeComplianceResults(deps.pool, row.id, removals);
      await endSchedulesOfRemovedPosts(deps.pool);
      counts.removedCount += result.purged;
      result.outcome = 'purged';
      deps.logger?.info({ campaignId: row.campaignId, jobId: row.jobId, purged: result.purged, byReason: result.byReason }, 'batch compliance purged');
      return;
    }
    if (job.status === 'failed' || job.status === 'expired') {
      await markComplianceJobEnded(deps.pool, row.id, 'failed', `X reported the compliance job ${job.status}`);
      result.outcome = 'job-failed';
      return;
    }
    const pause = options.pollIntervalMs ?? 5_000;
    if (Date.now() + pause > deadline) {
      result.outcome = 'pending';
      return;
    }
    await sleep(pause, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
