import type { PostRemoval, AuthorRecord, PostRecord } from '../domain/post.js';
import { withTransaction, type Pool } from '../store/db.js';
import { tombstonePosts, upsertPosts, type StoreBatchResult, type UpsertPostsOptions } from '../store/posts.js';
import type { RunKind } from '../store/runs.js';
import { saveSourceCursor, type SourceCursor } from '../store/sources.js';
import { markRollupHoursDirty } from '../analytics/rollups/mark-dirty.js';
import { attributeStoredPosts } from './attribute.js';

// The store step of the ingestion pipeline: everything one page changes commits in one transaction
// (posts, their engagement snapshots and provenance, their locality attributions, removals, and the
// cursor that covers them), or nothing does.

export interface IngestBatch extends UpsertPostsOptions {
  posts: readonly PostRecord[];
  authors: readonly AuthorRecord[];
  /** Posts the source reports gone; purged to tombstones in the same transaction. */
  removed?: readonly PostRemoval[];
  /** The source's cursor after this batch; written in the same transaction as the rows it covers. */
  cursor?: SourceCursor;
  /** Which kind of pass the cursor belongs to (each kind resumes from its own position). */
  pass?: RunKind;
}

export interface IngestBatchResult extends StoreBatchResult {
  /** Posts purged to tombstones by this batch. */
  removed: number;
}

/** One page of a pass, stored atomically: rows, removals and the cursor that covers them commit together or not at all. */
export async function storeBatch(pool: Pool, batch: IngestBatch): Promise<IngestBatchResult> {
  return withTransaction(pool, async (tx) => {
    // Not waiting for the WAL flush is safe here, and several times faster per page: a PostgreSQL crash
    // can lose only whole recent batches, each together with the cursor that covers it, so the next
    // pass fetches them again. Nothing is ever half-stored or skipped.
    await tx.query('SET LOCAL synchronous_commit = off');
    const result = await upsertPosts(tx, batch.posts, batch.authors, batch);
    // Attribution is a step of the same transaction: a stored post is never without its localities.
    await attributeStoredPosts(tx, result.attributablePostIds);
    const removed = await tombstonePosts(tx, batch.removed ?? []);
    // The hours these posts count in are recomputed by the rollup job; the marks commit with the change.
    await markRollupHoursDirty(tx, [...result.attributablePostIds, ...removed]);
    if (batch.cursor !== undefined) await saveSourceCursor(tx, batch.sourceId, batch.cursor, batch.pass);
    return { ...result, removed: removed.length };
  });
}
