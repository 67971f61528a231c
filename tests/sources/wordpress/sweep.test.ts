import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPass } from '../../../src/ingestion/run-pass.js';
import { startFakeWordPress, type FakeComment, type FakeWordPress, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { PoliteFetcher } from '../../../src/sources/http/polite-fetcher.js';
import { createWordPressCollectorFactory } from '../../../src/sources/wordpress/factory.js';
import { listStoredCommentIds } from '../../../src/store/site-comments.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../../support/db.js';
import { DATASET_END, commentId, publicComments, resetPosts, siteSource, smallBlog, storedComments } from './support.js';

const DAY = 86_400_000;
let db: TestDatabase;
let wp: FakeWordPress;
let dataset: WordPressDataset;
let source: SourceRow;
let host: string;
const now = new Date(DATASET_END.getTime() + 3_600_000);

async function pass(kind: 'incremental' | 'sweep') {
  const current = (await findSourceBySlug(db.pool, source.slug))!;
  const factory = createWordPressCollectorFactory({
    fetcher: new PoliteFetcher({ minIntervalMs: 0 }),
    storedCommentIds: (sourceId, since) => listStoredCommentIds(db.pool, sourceId, since),
    now: () => now,
  });
  return runPass(db.pool, current, factory(current, { kind })!, { kind, trigger: 'cli' });
}

/** Public comments dated inside the sweep's 7-day window, newest last. */
const inWindow = (): FakeComment[] => publicComments(wp.comments(), wp.posts()).filter((c) => c.dateGmt.getTime() > now.getTime() - 7 * DAY);

beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  dataset = smallBlog(11);
  wp = await startFakeWordPress({ dataset });
  host = `127.0.0.1:${wp.port}`;
  await resetPosts(db);
  source = await siteSource(db, `{ slug: hsm-blog, kind: wordpress, url: "${wp.url}", every: 1h, sweep: { every: 1d, days: 7 } }`, 'hsm-blog');
});
afterEach(async () => wp.close());

describe('the WordPress reconciliation sweep', () => {
  it('updates edited comments, purges comments held, spammed, trashed or deleted, and re-threads the replies of a deleted one', async () => {
    const recent = inWindow();
    expect(recent.length).toBeGreaterThan(8);
    const [edited, held, spammed, trashed, deleted] = recent;
    const reply = wp.addComment({ postId: deleted!.postId, parentId: deleted!.id, authorName: 'Reply Person', contentHtml: '<p>Agreed!</p>', dateGmt: new Date(now.getTime() - DAY) });
    const old = publicComments(wp.comments(), wp.posts()).find((c) => c.dateGmt.getTime() < now.getTime() - 10 * DAY)!;
    expect((await pass('incremental')).status).toBe('succeeded');
    const incrementalCursor = (await findSourceBySlug(db.pool, source.slug))!.cursor;

    wp.editComment(edited!.id, { contentHtml: '<p>Edited: now mentions Hazel Grove</p>' });
    wp.setCommentStatus(held!.id, 'hold');
    wp.setCommentStatus(spammed!.id, 'spam');
    wp.setCommentStatus(trashed!.id, 'trash');
    wp.deleteComment(deleted!.id);
    wp.setCommentStatus(old.id, 'hold');

    const sweep = await pass('sweep');
    expect(sweep).toMatchObject({ status: 'succeeded', counts: { removedCount: 4, newCount: 0, updatedCount: 2 } });
    const stored = await storedComments(db, source.id);
    expect(stored.get(commentId(host, edited!.id))!.text).toBe('Edited: now mentions Hazel Grove');
    for (const gone of [held, spammed, trashed, deleted]) {
      expect(stored.get(commentId(host, gone!.id))).toMatchObject({ text: null, html: null, raw: null, context: null, deleted_reason: 'no-longer-public' });
    }
    expect(stored.get(commentId(host, reply.id))!.parent_external_id).toBe(deleted!.parentId ? commentId(host, deleted!.parentId) : null);
    // Outside the window: left alone until a wider sweep looks at it.
    expect(stored.get(commentId(host, old.id))!.deleted_at).toBeNull();

    const after = (await findSourceBySlug(db.pool, source.slug))!;
    expect(after.cursor).toEqual(incrementalCursor);
    expect(after.laneCursors.sweep).toEqual({ completedAt: `${now.toISOString().slice(0, 19)}Z` });

    // Asked by id, in batches, only for what is stored from the window; nothing is found twice.
    const verify = wp.requests((r) => r.query.include !== undefined && r.path.endsWith('/wp/v2/comments'));
    expect(verify.length).toBeGreaterThan(0);
    expect(await pass('sweep')).toMatchObject({ status: 'succeeded', counts: { removedCount: 0, updatedCount: 0 } });
  });

  it('picks up a comment approved after moderation, which the incremental pass has already gone past', async () => {
    const newestDate = inWindow().at(-1)!.dateGmt;
    const held = wp.addComment({ postId: dataset.posts[0]!.id, authorName: 'Pat Held', contentHtml: '<p>Held for moderation</p>', status: 'hold', dateGmt: new Date(newestDate.getTime() - 2 * DAY) });
    await pass('incremental');
    wp.setCommentStatus(held.id, 'approved');
    expect(await pass('incremental')).toMatchObject({ status: 'succeeded', counts: { newCount: 0 } });
    expect(await pass('sweep')).toMatchObject({ status: 'succeeded', counts: { newCount: 1 } });
    expect((await storedComments(db, source.id)).get(commentId(host, held.id))!.text).toBe('Held for moderation');
  });

  it('resumes a sweep cut short in its verify phase without marking anything removed by mistake', async () => {
    await pass('incremental');
    const target = inWindow()[0]!;
    wp.setCommentStatus(target.id, 'spam');
    wp.injectFault({ kind: 'unavailable' }, { match: /\/wp\/v2\/comments\?.*include=/, times: 1 });
    const cut = await pass('sweep');
    expect(cut.status).toBe('rate-limited');
    expect((await findSourceBySlug(db.pool, source.slug))!.laneCursors.sweep).toMatchObject({ pass: { phase: 'verify', afterId: 0 } });
    expect((await storedComments(db, source.id)).get(commentId(host, target.id))!.deleted_at).toBeNull();

    const resumed = await pass('sweep');
    expect(resumed).toMatchObject({ status: 'succeeded', counts: { removedCount: 1 } });
    const removed = [...(await storedComments(db, source.id)).values()].filter((c) => c.deleted_at !== null);
    expect(removed.map((c) => c.external_id)).toEqual([commentId(host, target.id)]);
  });
});
