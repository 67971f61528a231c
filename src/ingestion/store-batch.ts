import type { PostRemoval, AuthorRecord, PostRecord } from '../domain/post.js';
import { allOnConnection, withTransaction, type Pool } from '../store/db.js';
import { insertNewPostAttributions, type NewPostAttribution } from '../store/attributions.js';
import { tombstonePosts, upsertPosts, type StoreBatchResult, type UpsertPostsOptions } from '../store/posts.js';
import type { RunKind } from '../store/runs.js';
import { saveSourceCursor, type SourceCursor } from '../store/sources.js';
import { markNewPostHoursDirty, markRollupHoursDirty } from '../analytics/rollups/mark-dirty.js';
import { attributeStoredPosts, newPostAttributor, type PendingAttribution } from './attribute.js';

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

export interface IngestBatchResult extends Omit<StoreBatchResult, 'newPosts' | 'authorsWritten'> {
  /** Posts purged to tombstones by this batch. */
  removed: number;
}

/** One page of a pass, stored atomically: rows, removals and the cursor that covers them commit together or not at all. */
export async function storeBatch(pool: Pool, batch: IngestBatch): Promise<IngestBatchResult> {
  // Not waiting for the WAL flush is safe here, and several times faster per page: a PostgreSQL crash
  // can lose only whole recent batches, each together with the cursor that covers it, so the next
  // pass fetches them again. Nothing is ever half-stored or skipped.
  const stored = await withTransaction(pool, { synchronousCommit: false }, async (tx) => {
    // Attribution and rollup marks are steps of the same transaction: a stored post is never without
    // its localities, and the hours it counts in are marked for the rollup job. Posts new to the
    // store (nearly all of them while collecting) are attributed from the records in hand, while
    // PostgreSQL writes them; posts that changed or newly joined the campaign are read back, because
    // other campaigns, overrides and earlier attributions may be involved.
    const attributorLoading = newPostAttributor(tx, batch.campaignId, batch.sourceId);
    // Awaited below on every path; this only keeps a failure from being reported as unhandled first.
    attributorLoading.catch(() => {});
    // Per match record: its attributions, or undefined when its author's stored location is unknown.
    const pending = new Map<PostRecord, PendingAttribution[] | undefined>();
    const { newPosts, authorsWritten, ...result } = await upsertPosts(tx, batch.posts, batch.authors, batch, {
      whileWritingPosts: async (authors) => {
        const attributor = await attributorLoading;
        for (const record of batch.posts) {
          if ((record.relation ?? 'match') !== 'match') continue;
          const location = record.authorExternalId == null ? null : authors.locationOf(record.platform, record.authorExternalId);
          pending.set(record, location === undefined ? undefined : attributor.attribute(record, location));
        }
      },
    });
    await attributorLoading;

    const fresh = newPosts.filter((post) => pending.has(post.record));
    // A new post whose author the batch did not carry has its location only in the database.
    const readBack = fresh.some((post) => pending.get(post.record) === undefined);
    const freshIds = new Set(newPosts.map((post) => post.id));
    const others = readBack ? result.attributablePostIds : result.attributablePostIds.filter((id) => !freshIds.has(id));
    // Statements with no result the next one needs are sent together (the main thread may be busy
    // reading pages when an answer comes). A failure aborts the transaction: every later one fails.
    const newPostAttributions: NewPostAttribution[] = readBack ? [] : fresh.flatMap((post) => pending.get(post.record)!.map((attribution) => ({ ...attribution, postId: post.id })));
    await allOnConnection([insertNewPostAttributions(tx, newPostAttributions), attributeStoredPosts(tx, others)]);
    const removed = await tombstonePosts(tx, batch.removed ?? []);
    await allOnConnection([
      readBack ? undefined : markNewPostHoursDirty(tx, batch.campaignId, fresh.map((post) => post.record.createdAt)),
      markRollupHoursDirty(tx, [...others, ...removed]),
      batch.cursor === undefined ? undefined : saveSourceCursor(tx, batch.sourceId, batch.cursor, batch.pass),
    ]);
    return { result: { ...result, removed: removed.length }, authorsWritten };
  });
  batch.authorsWrittenThisPass?.remember(stored.authorsWritten);
  return stored.result;
}
