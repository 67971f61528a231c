import type { PostRemoval, AuthorRecord, PostRecord } from '../domain/post.js';
import { withTransaction, type Pool } from '../store/db.js';
import { asStoredJson, cleanString } from '../store/json.js';
import { tombstonePosts, upsertPosts, type StoreBatchResult, type UpsertPostsOptions } from '../store/posts.js';
import type { RunKind } from '../store/runs.js';
import { saveSourceCursor, type SourceCursor } from '../store/sources.js';
import { markNewPostHoursDirty, markRollupHoursDirty } from '../analytics/rollups/mark-dirty.js';
import { attributeNewPosts, attributeStoredPosts, type NewMatchedPost } from './attribute.js';

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

export interface IngestBatchResult extends Omit<StoreBatchResult, 'newPosts' | 'authorLocations'> {
  /** Posts purged to tombstones by this batch. */
  removed: number;
}

/** One page of a pass, stored atomically: rows, removals and the cursor that covers them commit together or not at all. */
export async function storeBatch(pool: Pool, batch: IngestBatch): Promise<IngestBatchResult> {
  // Not waiting for the WAL flush is safe here, and several times faster per page: a PostgreSQL crash
  // can lose only whole recent batches, each together with the cursor that covers it, so the next
  // pass fetches them again. Nothing is ever half-stored or skipped.
  return withTransaction(pool, { synchronousCommit: false }, async (tx) => {
    const { newPosts, authorLocations, ...result } = await upsertPosts(tx, batch.posts, batch.authors, batch);

    // Attribution and rollup marks are steps of the same transaction: a stored post is never without
    // its localities, and the hours it counts in are marked for the rollup job. Posts new to the
    // store (nearly all of them while collecting) are worked out from the records in hand; posts
    // that changed or newly joined the campaign are read back, because other campaigns, overrides
    // and earlier attributions may be involved.
    const fresh = newMatchedPosts(newPosts, authorLocations);
    const freshIds = new Set(newPosts.map((post) => post.id));
    const others = result.attributablePostIds.filter((id) => !freshIds.has(id));
    if (fresh === undefined) {
      await attributeStoredPosts(tx, result.attributablePostIds);
    } else {
      await attributeNewPosts(tx, batch.campaignId, batch.sourceId, fresh);
      await attributeStoredPosts(tx, others);
    }
    const removed = await tombstonePosts(tx, batch.removed ?? []);
    if (fresh === undefined) {
      await markRollupHoursDirty(tx, [...result.attributablePostIds, ...removed]);
    } else {
      await markNewPostHoursDirty(tx, batch.campaignId, fresh.map((post) => post.record.createdAt));
      await markRollupHoursDirty(tx, [...others, ...removed]);
    }
    if (batch.cursor !== undefined) await saveSourceCursor(tx, batch.sourceId, batch.cursor, batch.pass);
    return { ...result, removed: removed.length };
  });
}

/**
 * The new posts that are the source's matches, as stored, with their authors' stored locations;
 * undefined when an author was not in the batch (the store then reads every post back, as its
 * location is only in the database).
 */
function newMatchedPosts(newPosts: StoreBatchResult['newPosts'], authors: StoreBatchResult['authorLocations']): NewMatchedPost[] | undefined {
  const fresh: NewMatchedPost[] = [];
  for (const { id, record } of newPosts) {
    if ((record.relation ?? 'match') !== 'match') continue;
    const authorLocation = record.authorExternalId == null ? null : authors.locationOf(record.platform, record.authorExternalId);
    if (authorLocation === undefined) return undefined;
    fresh.push({
      postId: id,
      authorLocation,
      // What attribution reads back on the other path is the stored form: cleaned text and JSON.
      record: { ...record, text: record.text == null ? record.text : cleanString(record.text), place: asStoredJson(record.place), context: asStoredJson(record.context) },
    });
  }
  return fresh;
}
