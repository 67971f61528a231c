/**
 * Hourly rollups (tables in migration 0009), maintained incrementally:
 * - `markRollupHoursDirty(tx, postIds, change?)` inside the transaction that changed the posts
 *   ('posts': anything about which posts count where; 'metrics': only their engagement counts);
 * - `markNewPostHoursDirty(tx, campaignId, createdAt)` for posts the ingestion step has just inserted;
 * - `refreshDirtyRollups(pool)` from a worker job after ingestion: recomputes only the marked
 *   hours (and, for distinct authors, the 23 hours after a 'posts' change), from raw data,
 *   idempotently;
 * - `rebuildRollups(pool, campaignId?)` recomputes everything.
 */
export { markNewPostHoursDirty, markRollupHoursDirty, type RollupChange } from './mark-dirty.js';
export { rebuildRollups, refreshDirtyRollups, type RefreshOptions, type RefreshResult } from './refresh.js';
