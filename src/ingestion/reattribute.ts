import { withTransaction, type Pool, type Queryable } from '../store/db.js';
import {
  countReattributionPosts,
  finishReattribution,
  listCampaignAttributionStatus,
  loadCampaignRules,
  loadPostsForAttribution,
  lockReattributionState,
  nextReattributionBatch,
  saveReattributionProgress,
  startReattribution,
} from '../store/attributions.js';
import { attributeLoadedPosts, rulesFingerprint } from './attribute.js';

// Re-attribution: when a campaign's rules change (config sync, a new gazetteer or matcher logic),
// its stored attributions are recomputed by walking its posts in id order, a batch per
// transaction. The walk's position is saved with each batch, so a stopped walk resumes where it
// stopped, and re-running a batch changes nothing.

export const DEFAULT_REATTRIBUTION_BATCH_SIZE = 500;
const MAX_BATCH_SIZE = 10_000;

export interface ReattributeOptions {
  /** Posts per batch (and per transaction); default 500. */
  batchSize?: number;
  /** Stops after the batch in progress; the walk resumes from there next time. */
  signal?: AbortSignal;
  /** After each batch: posts walked so far (including those an earlier, stopped run walked) of the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Runs inside each batch's transaction with the posts whose attributions changed, so work
   * derived from attributions (rollups) commits or rolls back with them.
   */
  onBatch?: (tx: Queryable, changedPostIds: readonly number[]) => Promise<void>;
}

export interface ReattributeResult {
  /** Posts walked by this call. */
  posts: number;
  /** Of those, posts whose stored attributions changed. */
  changed: number;
  ms: number;
  /** False when stopped by the signal before the end; the next call resumes. */
  completed: boolean;
}

type BatchOutcome =
  | { kind: 'batch'; restarted: boolean; posts: number; changed: number; lastPostId: number }
  | { kind: 'finished' }
  | { kind: 'finished-elsewhere' };

/**
 * Recomputes the attributions of every live 'match' post of a campaign with its current rules,
 * overrides applied last, batch by batch in post id order. Resumes a walk that was stopped with
 * the same rules; starts over when the rules changed, including mid-walk. Two walks of one
 * campaign take turns and share one position. Posts ingested meanwhile are attributed by ingestion.
 */
export async function reattributeCampaign(pool: Pool, campaignId: number, options: ReattributeOptions = {}): Promise<ReattributeResult> {
  const startedAt = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_REATTRIBUTION_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`batchSize ${batchSize} is not a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  if (!(await loadCampaignRules(pool, [campaignId])).has(campaignId)) throw new Error(`there is no campaign with id ${campaignId}`);

  // A walk stopped with the rules as they are now resumes; anything else starts a fresh walk.
  const resumeAfter = await withTransaction(pool, async (tx) => {
    const state = await lockReattributionState(tx, campaignId);
    const fingerprint = rulesFingerprint(state.rulesHash);
    if (state.targetFingerprint === fingerprint) return state.resumeAfterPostId;
    await startReattribution(tx, campaignId, fingerprint);
    return 0;
  });
  let { total, done } = await countReattributionPosts(pool, campaignId, resumeAfter);
  options.onProgress?.(done, total);

  let posts = 0;
  let changed = 0;
  const result = (completed: boolean): ReattributeResult => ({ posts, changed, ms: Math.round(performance.now() - startedAt), completed });

  for (;;) {
    if (options.signal?.aborted) return result(false);
    const outcome = await withTransaction(pool, (tx) => walkOneBatch(tx, campaignId, batchSize, options));
    if (outcome.kind !== 'batch') {
      options.onProgress?.(done, done);
      return result(true);
    }
    if (outcome.restarted) ({ total, done } = await countReattributionPosts(pool, campaignId, 0));
    posts += outcome.posts;
    changed += outcome.changed;
    done += outcome.posts;
    options.onProgress?.(done, Math.max(total, done));
  }
}

async function walkOneBatch(tx: Queryable, campaignId: number, batchSize: number, options: ReattributeOptions): Promise<BatchOutcome> {
  const state = await lockReattributionState(tx, campaignId);
  const fingerprint = rulesFingerprint(state.rulesHash);
  let after = state.resumeAfterPostId;
  let restarted = false;
  if (state.targetFingerprint !== fingerprint) {
    // Another walk of the same rules finished while this one waited for its turn.
    if (state.targetFingerprint === null && state.attributedFingerprint === fingerprint) return { kind: 'finished-elsewhere' };
    // The rules changed under the walk: what it did so far used the old ones.
    await startReattribution(tx, campaignId, fingerprint);
    after = 0;
    restarted = true;
  }
  const ids = await nextReattributionBatch(tx, campaignId, after, batchSize);
  const lastPostId = ids.at(-1);
  if (lastPostId === undefined) {
    await finishReattribution(tx, campaignId, fingerprint);
    return { kind: 'finished' };
  }
  const posts = await loadPostsForAttribution(tx, ids, { campaignId, lockForShare: true });
  const attributed = await attributeLoadedPosts(tx, posts);
  await options.onBatch?.(tx, attributed.changedPostIds);
  await saveReattributionProgress(tx, campaignId, lastPostId);
  return { kind: 'batch', restarted, posts: ids.length, changed: attributed.changedPostIds.length, lastPostId };
}

export interface CampaignNeedingReattribution {
  readonly campaignId: number;
  readonly slug: string;
  /** The fingerprint of the campaign's rules now, which its stored attributions do not have. */
  readonly fingerprint: string;
  /** A stopped walk with these rules exists and will be resumed rather than started over. */
  readonly resumable: boolean;
}

/**
 * Enabled campaigns whose stored attributions were not computed with their current rules (or
 * never walked at all, as after the first start). One query.
 */
export async function campaignsNeedingReattribution(db: Queryable): Promise<CampaignNeedingReattribution[]> {
  const statuses = await listCampaignAttributionStatus(db);
  return statuses.flatMap((status) => {
    const fingerprint = rulesFingerprint(status.rulesHash);
    if (status.attributedFingerprint === fingerprint) return [];
    return [{ campaignId: status.campaignId, slug: status.slug, fingerprint, resumable: status.targetFingerprint === fingerprint }];
  });
}
