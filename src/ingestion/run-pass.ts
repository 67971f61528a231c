import type { Logger } from '../observability/logger.js';
import type { Pool } from '../store/db.js';
import { storeBatch } from '../store/posts.js';
import { emptyRunCounts, finishRun, startRun, type RunCounts, type RunKind, type RunTrigger } from '../store/runs.js';
import { findSourceBySlug, markSourceFailed, markSourceSucceeded, type SourceRow } from '../store/sources.js';
import type { SourceCollector } from './collector.js';
import { asIngestionError, RateLimitedError, type IngestionError } from './errors.js';
import { withSourceLock } from './source-lock.js';

export interface PassOptions {
  kind: RunKind;
  trigger: RunTrigger;
  signal?: AbortSignal;
  /** Called after each stored page, for progress bars and job progress. */
  onPage?: (counts: Readonly<RunCounts>) => void;
  logger?: Logger;
}

export type PassOutcome =
  | { status: 'succeeded'; runId: number; counts: RunCounts }
  | { status: 'skipped'; reason: 'already-running' }
  | { status: 'failed' | 'rate-limited'; runId: number; counts: RunCounts; error: IngestionError };

/**
 * One pass of a source: fetch page after page from the stored cursor, storing each page's rows
 * and its cursor in one transaction, until the collector says the pass is done. A crash at any
 * point leaves the database at the end of the last stored page, and the next pass resumes there.
 */
export async function runPass(pool: Pool, source: SourceRow, collector: SourceCollector, options: PassOptions): Promise<PassOutcome> {
  const locked = await withSourceLock(pool, source.id, () => runLockedPass(pool, source, collector, options));
  return locked.ran ? locked.value : { status: 'skipped', reason: 'already-running' };
}

async function runLockedPass(pool: Pool, source: SourceRow, collector: SourceCollector, options: PassOptions): Promise<PassOutcome> {
  const signal = options.signal ?? new AbortController().signal;
  const runId = await startRun(pool, { sourceId: source.id, campaignId: source.campaignId, kind: options.kind, trigger: options.trigger });
  const counts = emptyRunCounts();
  // Under the lock, the stored cursor is the truth: another worker may have advanced it since the job was queued.
  let cursor = (await findSourceBySlug(pool, source.slug))?.cursor ?? source.cursor;
  try {
    for (;;) {
      signal.throwIfAborted();
      const page = await collector.fetchPage(cursor, signal);
      const stored = await storeBatch(pool, {
        sourceId: source.id,
        campaignId: source.campaignId,
        runId,
        posts: page.posts,
        authors: page.authors,
        cursor: page.cursor,
      });
      cursor = page.cursor;
      counts.pages += 1;
      counts.fetched += page.fetched;
      counts.newCount += stored.inserted;
      counts.updatedCount += stored.updated;
      for (const item of page.dropped) counts.dropped[item.reason] = (counts.dropped[item.reason] ?? 0) + 1;
      if (page.dropped.length > 0) options.logger?.warn({ source: source.slug, dropped: page.dropped.slice(0, 20) }, `dropped ${page.dropped.length} item(s)`);
      options.onPage?.(counts);
      if (page.done) break;
    }
    await finishRun(pool, runId, { status: 'succeeded', counts });
    await markSourceSucceeded(pool, source.id);
    return { status: 'succeeded', runId, counts };
  } catch (caught) {
    const error = asIngestionError(caught);
    const status = error instanceof RateLimitedError ? 'rate-limited' : 'failed';
    await finishRun(pool, runId, { status, counts, error: { code: error.code, message: error.message } });
    await markSourceFailed(pool, source.id, { code: error.code, message: error.message, status: status === 'rate-limited' ? 'rate-limited' : 'failing' });
    return { status, runId, counts, error };
  }
}
