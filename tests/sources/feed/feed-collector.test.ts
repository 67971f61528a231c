import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPass } from '../../../src/ingestion/run-pass.js';
import { startFakeWordPress, type Fault, type FakeComment, type FakeWordPress, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { createFeedCollectorFactory } from '../../../src/sources/feed/factory.js';
import { PoliteFetcher } from '../../../src/sources/http/polite-fetcher.js';
import { recentRuns } from '../../../src/store/runs.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../../support/db.js';
import { commentId, resetPosts, siteSource, smallBlog, storedComments } from '../wordpress/support.js';

let db: TestDatabase;
let wp: FakeWordPress;
let dataset: WordPressDataset;
let host: string;
let source: SourceRow;

async function useFeed(path: string): Promise<SourceRow> {
  source = await siteSource(db, `{ slug: hsm-blog-feed, kind: feed, url: "${wp.url}${path}", every: 1h, locality: oldham }`, 'hsm-blog-feed');
  return source;
}

async function pass() {
  const current = (await findSourceBySlug(db.pool, source.slug))!;
  const collector = createFeedCollectorFactory({ fetcher: new PoliteFetcher({ minIntervalMs: 0 }) })(current, { kind: 'incremental' })!;
  return runPass(db.pool, current, collector, { kind: 'incremental', trigger: 'cli' });
}

/** What WordPress puts in its comment feed: the latest approved comments on published posts. */
function latestInFeed(size = 10): FakeComment[] {
  const published = new Set(wp.posts().filter((p) => p.status === 'publish').map((p) => p.id));
  return wp
    .comments()
    .filter((c) => c.status === 'approved' && published.has(c.postId))
    .sort((a, b) => b.dateGmt.getTime() - a.dateGmt.getTime() || b.id - a.id)
    .slice(0, size);
}

let nextDate = Date.parse('2026-07-16T09:00:00Z');
const later = () => new Date((nextDate += 60_000));

beforeAll(async () => {
  db = await migratedDatabase();
  dataset = smallBlog(9);
  wp = await startFakeWordPress({ dataset });
  host = `127.0.0.1:${wp.port}`;
});
afterAll(async () => {
  await wp.close();
  await db.close();
});
beforeEach(async () => {
  wp.clearFaults();
  wp.clearRequests();
  await resetPosts(db);
  await db.pool.query(`UPDATE sources SET cursor = '{}', lane_cursors = '{}'`);
});

describe('RSS and Atom comment feeds', () => {
  it('store the feed’s comments under the same ids the REST adapter uses, with the post they sit on and the site’s locality', async () => {
    await useFeed('/comments/feed/');
    const expected = latestInFeed();
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: expected.length, fetched: expected.length, dropped: {} } });
    const stored = await storedComments(db, source.id);
    expect(new Set(stored.keys())).toEqual(new Set(expected.map((c) => commentId(host, c.id))));
    const first = expected[0]!;
    const post = wp.posts().find((p) => p.id === first.postId)!;
    expect(stored.get(commentId(host, first.id))).toMatchObject({
      created_at: first.dateGmt,
      url: `${wp.url}/${post.slug}/#comment-${first.id}`,
      conversation_id: `${host}/post/${post.id}`,
      context: { postId: post.id, postTitle: post.title, postUrl: `${wp.url}/${post.slug}/`, categories: [], tags: [], siteLocality: 'oldham' },
      author_name: first.authorName.replace(/\S+@\S+/g, (email) => email.split('@')[0]!),
    });
  });

  it('send the last ETag and Last-Modified back, store nothing on 304, and pick up a new comment when the feed changes', async () => {
    await useFeed('/comments/feed/');
    await pass();
    const cursor = (await findSourceBySlug(db.pool, source.slug))!.cursor as { etag?: string; lastModified?: string };
    expect(cursor.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(cursor.lastModified).toMatch(/GMT$/);

    wp.clearRequests();
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { fetched: 0, newCount: 0, updatedCount: 0 } });
    expect(wp.requests()[0]).toMatchObject({ ifNoneMatch: cursor.etag, ifModifiedSince: cursor.lastModified, status: 304 });
    expect((await findSourceBySlug(db.pool, source.slug))!.cursor).toEqual(cursor);

    const added = wp.addComment({ postId: dataset.posts[0]!.id, authorName: 'Robin Royton', contentHtml: '<p>Royton was buzzing</p>', dateGmt: later() });
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: 1 } });
    expect((await storedComments(db, source.id)).get(commentId(host, added.id))?.text).toBe('Royton was buzzing');
    expect((await findSourceBySlug(db.pool, source.slug))!.cursor).not.toEqual(cursor);
  });

  it('thread replies from Atom’s thr:in-reply-to, and leave top-level comments without a parent', async () => {
    await useFeed('/comments/feed/atom/');
    const parent = latestInFeed()[0]!;
    const reply = wp.addComment({ postId: parent.postId, parentId: parent.id, authorName: 'Jess Lees', authorUrl: 'https://jess.example/', contentHtml: '<p>Replying</p>', dateGmt: later() });
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: 10 } });
    const stored = await storedComments(db, source.id);
    expect(stored.get(commentId(host, reply.id))).toMatchObject({ parent_external_id: commentId(host, parent.id), author_url: 'https://jess.example/' });
    if (parent.parentId === 0) expect(stored.get(commentId(host, parent.id))!.parent_external_id).toBeNull();
    const topLevel = [...stored.values()].filter((c) => c.parent_external_id === null);
    expect(topLevel.length).toBeGreaterThan(0);
    expect(topLevel.every((c) => (c.context as { postUrl: string }).postUrl.startsWith(wp.url))).toBe(true);
  });

  it('store hostile markup from a feed sanitised', async () => {
    await useFeed('/comments/feed/');
    const hostile = wp.addComment({
      postId: dataset.posts[0]!.id,
      authorName: 'Mallory',
      contentHtml: '<p>Hi <script>alert("xss")</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">click</a><b style="color:red">bold</b>]]></p>',
      dateGmt: later(),
    });
    await pass();
    const row = (await storedComments(db, source.id)).get(commentId(host, hostile.id))!;
    for (const bad of ['<script', 'alert', 'onerror', 'javascript:', 'style=', '<img']) expect(row.html).not.toContain(bad);
    expect(row.text).toBe('Hi clickbold]]>');
  });
});

describe('a feed that answers badly', () => {
  const cases: [string, string, Fault | undefined, string, RegExp][] = [
    ['XML that is not well-formed', '/comments/feed/', { kind: 'invalid-xml' }, 'FEED_INVALID_XML', /is not well-formed XML \(line 1, column \d+: /],
    ['an HTML error page', '/comments/feed/', { kind: 'html-instead-of-json' }, 'FEED_NOT_A_FEED', /is an HTML page, not an RSS 2\.0 or Atom feed/],
    ['401 (a password-protected feed)', '/comments/feed/', { kind: 'unauthorized' }, 'FEED_UNAUTHORIZED', /asks for a login \(401\)/],
    ['404', '/no-such-feed/', undefined, 'FEED_NOT_FOUND', /answered 404: there is no feed at this address/],
    ['a redirect loop', '/comments/feed/', { kind: 'redirect-loop' }, 'REDIRECT_LOOP', /redirects in a loop/],
    ['a 50 MB body', '/comments/feed/', { kind: 'huge' }, 'RESPONSE_TOO_LARGE', /sent more than 20 MB/],
  ];

  it.each(cases)('gives the source a clear error for %s and touches nothing stored', async (_what, path, fault, code, message) => {
    await useFeed('/comments/feed/');
    expect((await pass()).status).toBe('succeeded');
    const before = await storedComments(db, source.id);
    const cursor = (await findSourceBySlug(db.pool, source.slug))!.cursor;
    wp.addComment({ postId: dataset.posts[0]!.id, authorName: 'New', contentHtml: '<p>New</p>', dateGmt: later() });

    if (path !== '/comments/feed/') await db.pool.query(`UPDATE sources SET settings = jsonb_set(settings, '{url}', to_jsonb($2::text)) WHERE id = $1`, [source.id, `${wp.url}${path}`]);
    if (fault) wp.injectFault(fault);
    const outcome = await pass();
    expect(outcome.status === 'failed' && outcome.error.code).toBe(code);
    const failing = (await findSourceBySlug(db.pool, source.slug))!;
    expect(failing).toMatchObject({ status: 'failing', lastErrorCode: code, cursor });
    expect(failing.lastError).toMatch(message);
    expect((await recentRuns(db.pool, source.id, 1))[0]).toMatchObject({ status: 'failed', errorCode: code });
    expect(await storedComments(db, source.id)).toEqual(before);
  });
});
