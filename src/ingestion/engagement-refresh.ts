import { nextRefreshAt, recheckDailyCap, recheckReadBefore } from '../domain/engagement-schedule.js';
import type { PostRemoval } from '../domain/post.js';
import type { Logger } from '../observability/logger.js';
import { LOOKUP_BATCH_SIZE, type TweetLookup } from '../sources/x/lookup.js';
import { batchComplianceForbidden } from '../store/compliance-jobs.js';
import type { Pool } from '../store/db.js';
import {
  claimDueRefreshes,
  claimStaleRefreshes,
  endSchedulesOfRemovedPosts,
  findPostsToEnrol,
  findXRunSources,
  insertRefreshSchedules,
  postsReadOn,
  recordRefreshReads,
  releaseRefreshClaims,
  utcDay,
  type ClaimResult,
  type ClaimSelection,
} from '../store/engagement-refresh.js';
import { emptyRunCounts, finishRun, type RunCounts, type RunTrigger } from '../store/runs.js';
import { runStopSignal } from './interrupted-run.js';
import { finishThrownLeasedRun, withRunLease } from './run-lease.js';

// The engagement refresh: re-reads the public metrics of due X posts, 100 ids per GET /2/tweets,
// within the daily read budget, storing a snapshot per read and each post's next read
// (src/domain/engagement-schedule.ts). Posts X reports deleted or not authorised are purged to
// tombstones on the way. Safe to run from several workers at once: claims are SKIP LOCKED leases.
//
// Where X refuses the token batch compliance jobs, a lookup is the only way to learn that a post
// was deleted, so after a campaign's due posts the refresh also rechecks its posts that have gone
// unread for X_COMPLIANCE_RECHECK_DAYS, within a capped share of the day's budget.

export interface EngagementRefreshDeps {
  pool: Pool;
  /** GET /2/tweets (createTweetLookup), with the shared rate-limit budget wired in. */
  lookup: TweetLookup;
  /** Posts that may be read per UTC day (X_REFRESH_DAILY_BUDGET). */
  dailyReadBudget: number;
  /**
   * For campaigns whose token may not run batch compliance jobs: look up again every live post not
   * read for this many days (X_COMPLIANCE_RECHECK_DAYS); 0 turns rechecks off.
   */
  complianceRecheckDays: number;
  logger?: Logger;
  now?: () => Date;
}

export interface EngagementRefreshOptions {
  /** Only this campaign's posts; every enabled campaign with an x-search source when absent. */
  campaignId?: number;
  /** At most this many posts read by this call (default: every due post the budget allows). */
  maxPosts?: number;
  trigger?: RunTrigger;
  /** How long a claim holds its posts if this worker dies mid-read (default 5 minutes). */
  leaseMs?: number;
  signal?: AbortSignal;
}

export interface RefreshSummary {
  /** Runs recorded in ingestion_runs (kind 'refresh'), one per campaign processed. */
  runs: { campaignId: number; sourceId: number; runId: number }[];
  /** Posts given a schedule by this call. */
  enrolled: number;
  /** GET /2/tweets requests sent. */
  lookups: number;
  /** Posts X returned metrics for. */
  read: number;
  /** Posts looked up again by compliance rechecks (their reads and removals count in the totals too). */
  rechecked: number;
  snapshots: number;
  /** Reads whose metrics differed from what was stored. */
  metricsChanged: number;
  /** Posts X reported deleted or not authorised, purged to tombstones. */
  removed: { deleted: number; notAuthorized: number };
  dropped: Record<string, number>;
  /** Posts charged to today's read budget. */
  charged: number;
  budgetRemaining: number;
  /** Due posts were left for tomorrow because today's budget is spent. */
  budgetExhausted: boolean;
}

const ENROL_CHUNK = 5_000;

/** Gives every collected X post without one its schedule, and ends the schedules of purged posts. */
async function enrolNewPosts(pool: Pool, now: Date): Promise<number> {
  await endSchedulesOfRemovedPosts(pool);
  let enrolled = 0;
  for (;;) {
    const candidates = await findPostsToEnrol(pool, ENROL_CHUNK);
    if (candidates.length === 0) return enrolled;
    enrolled += await insertRefreshSchedules(
      pool,
      candidates.map((c) => ({
        postId: c.postId,
        postedAt: c.postedAt,
        // A post is enrolled once its metrics are already stored, so its first read is due a step after that.
        nextRefreshAt: nextRefreshAt(c.postedAt, c.launches, c.seenAt.getTime() > now.getTime() ? now : c.seenAt),
      })),
      now,
    );
    if (candidates.length < ENROL_CHUNK) return enrolled;
  }
}

function countRemoval(summary: RefreshSummary, counts: RunCounts, removals: readonly PostRemoval[], purged: number): void {
  counts.removedCount += purged;
  for (const removal of removals) {
    if (removal.reason === 'not-authorized') summary.removed.notAuthorized += 1;
    else summary.removed.deleted += 1;
  }
}

/**
 * Reads due posts' engagement. Throws RateLimitedError (its resetAt says when to run again) when X's
 * window is spent, after recording the run and freeing the posts it had claimed; other failures are
 * recorded and rethrown as typed ingestion errors.
 */
export async function runEngagementRefresh(deps: EngagementRefreshDeps, options: EngagementRefreshOptions = {}): Promise<RefreshSummary> {
  const now = deps.now ?? (() => new Date());
  const summary: RefreshSummary = {
    runs: [],
    enrolled: 0,
    lookups: 0,
    read: 0,
    rechecked: 0,
    snapshots: 0,
    metricsChanged: 0,
    removed: { deleted: 0, notAuthorized: 0 },
    dropped: {},
    charged: 0,
    budgetRemaining: deps.dailyReadBudget,
    budgetExhausted: false,
  };
  summary.enrolled = await enrolNewPosts(deps.pool, now());
  let allowance = options.maxPosts ?? Number.POSITIVE_INFINITY;

  for (const { campaignId, sourceId } of await findXRunSources(deps.pool, options.campaignId)) {
    if (allowance <= 0 || summary.budgetExhausted) break;
    await withRunLease(deps.pool, { sourceId, campaignId, kind: 'refresh', trigger: options.trigger ?? 'schedule' }, async (runId, leaseLost) => {
      summary.runs.push({ campaignId, sourceId, runId });
      const counts = emptyRunCounts();
      // Checked between batches: a batch claimed is read and recorded before the run stops.
      const signal = runStopSignal(options.signal, leaseLost);
      /** Claims and reads batches of the selection until none is left, the budget is spent or `allowance` is used up. */
      const readClaimed = async (selection: ClaimSelection): Promise<void> => {
        while (allowance > 0) {
          signal.throwIfAborted();
          const claimedAt = now();
          const claimOptions = { now: claimedAt, limit: Math.min(LOOKUP_BATCH_SIZE, allowance), dailyBudget: deps.dailyReadBudget, leaseMs: options.leaseMs ?? 5 * 60_000, campaignId };
          const claim = selection.kind === 'due' ? await claimDueRefreshes(deps.pool, claimOptions) : await claimStaleRefreshes(deps.pool, { ...claimOptions, readBefore: selection.readBefore, dailyCap: selection.dailyCap });
          // A spent recheck cap says nothing of due posts, which later campaigns and runs still read.
          if (selection.kind === 'due') {
            summary.budgetRemaining = claim.budgetRemaining;
            summary.budgetExhausted ||= claim.budgetExhausted;
          }
          if (claim.claims.length === 0) return;
          allowance -= claim.claims.length;
          summary.charged += claim.charged;
          if (selection.kind === 'stale') summary.rechecked += claim.claims.length;
          await readBatch(deps, claim, { day: utcDay(claimedAt), rechecks: selection.kind === 'stale' }, summary, counts, now);
        }
      };
      try {
        // Due posts first: a recheck never takes a read from a post whose moment has come.
        await readClaimed({ kind: 'due' });
        if (deps.complianceRecheckDays > 0 && !summary.budgetExhausted && (await batchComplianceForbidden(deps.pool, campaignId))) {
          await readClaimed({ kind: 'stale', readBefore: recheckReadBefore(now(), deps.complianceRecheckDays), dailyCap: recheckDailyCap(deps.dailyReadBudget) });
        }
        await finishRun(deps.pool, runId, { status: 'succeeded', counts });
      } catch (caught) {
        const error = await finishThrownLeasedRun(deps.pool, runId, counts, caught, { signal, leaseLost });
        deps.logger?.warn({ campaignId, code: error.code, err: error.message }, 'engagement refresh stopped');
        throw error;
      }
      deps.logger?.info({ campaignId, runId, read: counts.fetched, rechecked: summary.rechecked, removed: counts.removedCount, budgetRemaining: summary.budgetRemaining }, 'engagement refresh finished');
    });
  }
  summary.budgetRemaining = Math.max(0, deps.dailyReadBudget - (await postsReadOn(deps.pool, utcDay(now()))));
  return summary;
}

async function readBatch(
  deps: EngagementRefreshDeps,
  { claims, charged }: ClaimResult,
  ledger: { day: string; rechecks: boolean },
  summary: RefreshSummary,
  counts: RunCounts,
  now: () => Date,
): Promise<void> {
  const byLookupId = new Map(claims.map((claim) => [claim.lookupId, claim]));
  let result;
  try {
    result = await deps.lookup([...byLookupId.keys()]);
  } catch (error) {
    // The read did not happen: free the posts for the next run and give the budget back.
    await releaseRefreshClaims(deps.pool, { postIds: claims.map((c) => c.postId), refund: charged, ...ledger }).catch(() => {});
    throw error;
  }
  const readAt = now();
  summary.lookups += 1;
  counts.pages += 1;

  const metrics = result.found.flatMap((post) => {
    const claim = byLookupId.get(post.id);
    return claim ? [{ postId: claim.postId, metrics: post.metrics }] : [];
  });
  const removals = result.removed.flatMap((removal) => {
    const claim = byLookupId.get(removal.externalId);
    return claim ? [{ platform: 'x' as const, externalId: claim.externalId, reason: removal.reason }] : [];
  });
  const removedIds = new Set(removals.map((r) => r.externalId));
  const next = claims.map((claim) => ({
    postId: claim.postId,
    nextRefreshAt: removedIds.has(claim.externalId) ? null : nextRefreshAt(claim.postedAt, claim.launches, readAt),
  }));
  const stored = await recordRefreshReads(deps.pool, { at: readAt, metrics, removals, next });

  summary.read += metrics.length;
  summary.snapshots += stored.snapshots;
  summary.metricsChanged += stored.changed;
  counts.fetched += metrics.length;
  counts.updatedCount += stored.changed;
  countRemoval(summary, counts, removals, stored.removed);
  for (const item of result.dropped) {
    counts.dropped[item.reason] = (counts.dropped[item.reason] ?? 0) + 1;
    summary.dropped[item.reason] = (summary.dropped[item.reason] ?? 0) + 1;
  }
  if (result.unaccounted.length > 0) {
    counts.dropped['missing-from-lookup'] = (counts.dropped['missing-from-lookup'] ?? 0) + result.unaccounted.length;
    summary.dropped['missing-from-lookup'] = (summary.dropped['missing-from-lookup'] ?? 0) + result.unaccounted.length;
  }
  if (result.dropped.length > 0) deps.logger?.warn({ dropped: result.dropped.slice(0, 20) }, `engagement refresh dropped ${result.dropped.length} item(s)`);
}
