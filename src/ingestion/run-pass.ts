import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger.js';
import type { Pool } from '../store/db.js';
import { storeBatch } from './store-batch.js';
import { AuthorsWrittenThisPass, serialiseRowsAhead } from '../store/posts.js';
import { analyzeNeverAnalyzedIngestionTables } from '../store/table-statistics.js';
import { emptyRunCounts, finishRun, startRun, type RunCounts, type RunKind, type RunTrigger } from '../store/runs.js';
import { cursorForPass, findSourceBySlug, markSourceFailed, markSourceSucceeded, type SourceCursor, type SourceRow } from '../store/sources.js';
import type { CollectedPage, SourceCollector } from './collector.js';
import { PageReadAhead } from './read-ahead.js';
import { RateLimitedError, type IngestionError } from './errors.js';
import { finishFailedRun } from './failed-run.js';
import { finishInterruptedRun, runStopSignal, type RunStop } from './interrupted-run.js';
import { withSourceLock } from './source-lock.js';

export interface PassOptions {
  kind: RunKind;
  trigger: RunTrigger;
  signal?: AbortSignal;
  /** Called after each stored page, for progress bars and job progress. */
  onPage?: (counts: Readonly<RunCounts>) => void;
  /**
   * Foreground passes (the CLI) wait for a rate-limit reset and carry on; scheduled passes stop and
   * are resumed by a delayed job, so a worker slot is never held for minutes.
   */
  waitOnRateLimit?: boolean;
  /** Pages fetched ahead of the store step at most (default 8); 1 stores page by page. */
  readAhead?: number;
  /** Called when a foreground pass starts waiting for a rate-limit reset. */
  onRateLimitWait?: (resetAt: Date) => void;
  logger?: Logger;
}

/**
 * Pages fetched ahead of the store step. Every page that has arrived is stored in one transaction,
 * so this also bounds a transaction's size: eight pages (800 posts) amortise a transaction's fixed
 * cost, and hold about 20 MB more than two (docs/PERFORMANCE.md).
 */
const DEFAULT_READ_AHEAD = 8;

/**
 * After this many new posts in one pass, tables that have never been analysed are analysed (see
 * table-statistics.ts): enough rows for useful statistics, early enough to matter for a long pass.
 */
const ANALYZE_AFTER_NEW_POSTS = 5_000;

const STOPPED: RunStop = { code: 'INTERRUPTED', message: 'stopped before the pass finished; the next pass resumes from the last stored page' };
const LOCK_LOST: RunStop = {
  code: 'SOURCE_LOCK_LOST',
  message: "the pass lost its lock on the source (its PostgreSQL connection ended) and stopped, so that it never runs beside another worker's pass; the next pass resumes from the last stored page",
};

export type PassOutcome =
  | { status: 'succeeded'; runId: number; counts: RunCounts }
  | { status: 'skipped'; reason: 'already-running' }
  | { status: 'failed' | 'rate-limited'; runId: number; counts: RunCounts; error: IngestionError }
  /**
   * Stopped by its abort signal (Ctrl-C, shutdown) or because its source lock was lost: not the
   * source's fault, and the next pass resumes.
   */
  | { status: 'interrupted'; runId: number; counts: RunCounts; reason: 'signal' | 'lock-lost' };

/**
 * One pass of a source: fetch page after page from the stored cursor, storing each page's rows
 * and its cursor in one transaction, until the collector says the pass is done. A crash at any
 * point leaves the database at the end of the last stored page, and the next pass resumes there.
 */
export async function runPass(pool: Pool, source: SourceRow, collector: SourceCollector, options: PassOptions): Promise<PassOutcome> {
  const locked = await withSourceLock(pool, source.id, (lockLost) => runLockedPass(pool, source, collector, options, lockLost), options.kind);
  return locked.ran ? locked.value : { status: 'skipped', reason: 'already-running' };
}

async function runLockedPass(pool: Pool, source: SourceRow, collector: SourceCollector, options: PassOptions, lockLost: AbortSignal): Promise<PassOutcome> {
  const signal = runStopSignal(options.signal, lockLost);
  const runId = await startRun(pool, { sourceId: source.id, campaignId: source.campaignId, kind: options.kind, trigger: options.trigger });
  const counts = emptyRunCounts();
  // Under the lock, the stored cursor is the truth: another worker may have advanced it since the job was queued.
  const cursor = cursorForPass((await findSourceBySlug(pool, source.slug)) ?? source, options.kind);
  // Pages are fetched ahead while earlier ones are stored, and every page that has arrived is stored
  // in one transaction with the last one's cursor: rows and the cursor that covers them still commit
  // together and in order, so a crash at any point resumes at the last stored page.
  const fetchPage = async (from: SourceCursor, fetchSignal: AbortSignal): Promise<CollectedPage> => {
    for (;;) {
      try {
        const page = await collector.fetchPage(from, fetchSignal);
        // While the store step is busy with the batch before: it then only joins these rows.
        serialiseRowsAhead(page.posts, page.authors);
        return page;
      } catch (error) {
        if (!(options.waitOnRateLimit && error instanceof RateLimitedError)) throw error;
        const waitMs = Math.max(0, error.resetAt.getTime() - Date.now());
        options.onRateLimitWait?.(error.resetAt);
        options.logger?.info({ source: source.slug, resumesAt: error.resetAt.toISOString() }, 'rate limit reached: waiting for the reset');
        await sleep(waitMs, undefined, { signal: fetchSignal });
        counts.rateLimitWaits += 1;
        counts.rateLimitWaitMs += waitMs;
      }
    }
  };
  const authorsWrittenThisPass = new AuthorsWrittenThisPass();
  const readAhead = new PageReadAhead(fetchPage, cursor, { limit: options.readAhead ?? DEFAULT_READ_AHEAD, signal });
  try {
    for (let pages = await readAhead.take(); pages; pages = await readAhead.take()) {
      signal.throwIfAborted();
      const last = pages[pages.length - 1]!;
      const stored = await storeBatch(pool, {
        sourceId: source.id,
        campaignId: source.campaignId,
        runId,
        posts: pages.flatMap((page) => page.posts),
        authors: pages.flatMap((page) => page.authors),
        removed: pages.flatMap((page) => page.removed ?? []),
        cursor: last.cursor,
        pass: options.kind,
        authorsWrittenThisPass,
      });
      counts.pages += pages.length;
      if (counts.newCount < ANALYZE_AFTER_NEW_POSTS && counts.newCount + stored.inserted >= ANALYZE_AFTER_NEW_POSTS) {
        const analyzed = await analyzeNeverAnalyzedIngestionTables(pool);
        if (analyzed.length > 0) options.logger?.info({ source: source.slug, tables: analyzed }, 'analysed tables that had no planner statistics yet');
      }
      counts.newCount += stored.inserted;
      counts.updatedCount += stored.updated;
      counts.removedCount += stored.removed;
      for (const page of pages) {
        counts.fetched += page.fetched;
        for (const item of page.dropped) counts.dropped[item.reason] = (counts.dropped[item.reason] ?? 0) + 1;
        if (page.dropped.length > 0) options.logger?.warn({ source: source.slug, dropped: page.dropped.slice(0, 20) }, `dropped ${page.dropped.length} item(s)`);
      }
      options.onPage?.(counts);
      if (last.done) break;
    }
    readAhead.stop();
    await finishRun(pool, runId, { status: 'succeeded', counts });
    await markSourceSucceeded(pool, source.id);
    return { status: 'succeeded', runId, counts };
  } catch (caught) {
    readAhead.stop();
    if (signal.aborted) {
      const error = lockLost.aborted ? LOCK_LOST : STOPPED;
      await finishInterruptedRun(pool, runId, counts, error);
      if (lockLost.aborted) options.logger?.warn({ source: source.slug, ...error }, 'pass stopped: its source lock was lost');
      return { status: 'interrupted', runId, counts, reason: lockLost.aborted ? 'lock-lost' : 'signal' };
    }
    const error = await finishFailedRun(pool, runId, counts, caught);
    const status = error instanceof RateLimitedError ? 'rate-limited' : 'failed';
    await markSourceFailed(pool, source.id, { code: error.code, message: error.message, status: status === 'rate-limited' ? 'rate-limited' : 'failing' });
    return { status, runId, counts, error };
  }
}
