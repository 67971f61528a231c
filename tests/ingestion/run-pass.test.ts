import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectedPage, SourceCollector } from '../../src/ingestion/collector.js';
import { PermanentError, RateLimitedError } from '../../src/ingestion/errors.js';
import { runPass } from '../../src/ingestion/run-pass.js';
import { withSourceLock } from '../../src/ingestion/source-lock.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { recentRuns } from '../../src/store/runs.js';
import { findSourceBySlug, type SourceCursor, type SourceRow } from '../../src/store/sources.js';
import { endSourceLockSession, migratedDatabase, type TestDatabase } from '../support/db.js';
import { authorsFor, campaignConfig, xPost } from '../support/fixtures.js';

let db: TestDatabase;
let source: SourceRow;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
});
afterAll(async () => db.close());

/** A scripted collector: page n holds posts n*10 … n*10+9; it can fail on a chosen page. */
function scripted(pages: number, failOnPage?: { page: number; error: Error }): SourceCollector & { seen: SourceCursor[] } {
  const seen: SourceCursor[] = [];
  return {
    seen,
    fetchPage(cursor: SourceCursor): Promise<CollectedPage> {
      seen.push(cursor);
      const page = typeof cursor.page === 'number' ? cursor.page : 0;
      if (failOnPage && page === failOnPage.page) return Promise.reject(failOnPage.error);
      const posts = Array.from({ length: 10 }, (_, i) => xPost(page * 10 + i));
      return Promise.resolve({
        posts,
        authors: authorsFor(posts),
        dropped: page === 1 ? [{ reason: 'malformed', detail: 'no created_at' }] : [],
        fetched: 11,
        cursor: { page: page + 1 },
        done: page + 1 >= pages,
      });
    },
  };
}

const storedPosts = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n;

describe('a pass of a source', () => {
  it('stores every page with its cursor and records the run', async () => {
    const outcome = await runPass(db.pool, source, scripted(3), { kind: 'incremental', trigger: 'cli' });
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { pages: 3, fetched: 33, newCount: 30, updatedCount: 0, dropped: { malformed: 1 } } });
    expect((await findSourceBySlug(db.pool, source.slug))!).toMatchObject({ cursor: { page: 3 }, status: 'ok', lastError: null });
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'incremental', trigger: 'cli', counts: { pages: 3, newCount: 30, dropped: { malformed: 1 } } });
  });

  it('resumes after a failure from the last stored page, storing nothing twice', async () => {
    await db.pool.query(`UPDATE sources SET cursor = '{}' WHERE id = $1`, [source.id]);
    await db.pool.query('TRUNCATE posts, post_sources, engagement_snapshots, authors CASCADE');
    const failing = scripted(5, { page: 3, error: new Error('socket hang up') });
    const first = await runPass(db.pool, source, failing, { kind: 'incremental', trigger: 'schedule' });
    expect(first).toMatchObject({ status: 'failed', counts: { pages: 3, newCount: 30 } });
    expect((await findSourceBySlug(db.pool, source.slug))!).toMatchObject({ cursor: { page: 3 }, status: 'failing', lastErrorCode: 'UNEXPECTED' });

    const resumed = scripted(5);
    const second = await runPass(db.pool, source, resumed, { kind: 'incremental', trigger: 'schedule' });
    expect(resumed.seen[0]).toEqual({ page: 3 });
    expect(second).toMatchObject({ status: 'succeeded', counts: { pages: 2, newCount: 20 } });
    expect(await storedPosts()).toBe(50);
  });

  it('records a rate-limit stop and a permanent failure with their codes', async () => {
    const limited = await runPass(db.pool, source, scripted(5, { page: 5, error: new RateLimitedError(new Date(Date.now() + 60_000)) }), { kind: 'incremental', trigger: 'schedule' });
    expect(limited.status).toBe('rate-limited');
    expect((await findSourceBySlug(db.pool, source.slug))!.status).toBe('rate-limited');

    await db.pool.query(`UPDATE sources SET cursor = '{}' WHERE id = $1`, [source.id]);
    const denied = await runPass(db.pool, source, scripted(5, { page: 0, error: new PermanentError('UNAUTHORIZED', 'the X token was refused (401)') }), { kind: 'incremental', trigger: 'schedule' });
    expect(denied).toMatchObject({ status: 'failed', error: { kind: 'permanent', code: 'UNAUTHORIZED' } });
    expect((await findSourceBySlug(db.pool, source.slug))!).toMatchObject({ status: 'failing', lastError: 'the X token was refused (401)' });
  });

  it('is skipped while another pass of the same source holds the lock', async () => {
    const outcome = await withSourceLock(db.pool, source.id, () => runPass(db.pool, source, scripted(1), { kind: 'incremental', trigger: 'schedule' }));
    expect(outcome).toEqual({ ran: true, value: { status: 'skipped', reason: 'already-running' } });
  });

  it('lets a different kind of pass of the same source run meanwhile, from its own cursor lane', async () => {
    const outcome = await withSourceLock(db.pool, source.id, () => runPass(db.pool, source, scripted(2), { kind: 'backfill', trigger: 'cli' }));
    expect(outcome).toMatchObject({ ran: true, value: { status: 'succeeded', counts: { pages: 2 } } });
    const stored = (await findSourceBySlug(db.pool, source.slug))!;
    expect(stored.laneCursors.backfill).toEqual({ page: 2 });
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ kind: 'backfill', status: 'succeeded' });
  });
});

describe('a pass stopped by its signal', () => {
  it('ends as interrupted (signal), keeps what it stored, and the next pass resumes there', async () => {
    await db.pool.query(`UPDATE sources SET cursor = '{}' WHERE id = $1`, [source.id]);
    const stop = new AbortController();
    const inner = scripted(20);
    const stopping: SourceCollector = {
      async fetchPage(cursor, signal) {
        if (cursor.page === 3) stop.abort();
        return inner.fetchPage(cursor, signal);
      },
    };
    const outcome = await runPass(db.pool, source, stopping, { kind: 'incremental', trigger: 'cli', signal: stop.signal, readAhead: 1 });
    expect(outcome).toMatchObject({ status: 'interrupted', reason: 'signal' });
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
    const stored = (await findSourceBySlug(db.pool, source.slug))!.cursor;
    expect(stored.page).toBeGreaterThanOrEqual(2);
    expect(stored.page).toBeLessThanOrEqual(4);
  });
});

describe('a pass whose source lock is lost', () => {
  it('stops at the next page as interrupted, so it never runs beside the pass that takes the lock next', async () => {
    await db.pool.query(`UPDATE sources SET cursor = '{}' WHERE id = $1`, [source.id]);
    const inner = scripted(50);
    let fetched = 0;
    const LOCK_LOST_AT_PAGE = 2;
    let ended: Promise<boolean[]> | undefined;
    // A page a while: the lock's connection is cut while the second page is fetched.
    const slow: SourceCollector = {
      async fetchPage(cursor, signal) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        signal?.throwIfAborted();
        fetched += 1;
        if (fetched === LOCK_LOST_AT_PAGE) {
          // The lock's own session, as an administrator or a failing network would end it. The pass
          // may stop before this page returns, so the answer is checked after the pass.
          ended = endSourceLockSession(db.pool, source.id);
          await ended;
        }
        return inner.fetchPage(cursor, signal);
      },
    };
    const outcome = await runPass(db.pool, source, slow, { kind: 'incremental', trigger: 'schedule', readAhead: 1 });
    expect(await ended).toEqual([true]);
    expect(outcome).toMatchObject({ status: 'interrupted', reason: 'lock-lost' });
    // At most the page in hand when the lock went: not the 48 still to come.
    expect(fetched).toBeLessThanOrEqual(LOCK_LOST_AT_PAGE + 2);
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'SOURCE_LOCK_LOST' });
    expect(run!.error).toMatch(/lost its lock/);
    // And the lock is free for the next pass, which resumes where this one stopped.
    const next = await runPass(db.pool, source, scripted(50), { kind: 'incremental', trigger: 'schedule' });
    expect(next).toMatchObject({ status: 'succeeded' });
  });
});
