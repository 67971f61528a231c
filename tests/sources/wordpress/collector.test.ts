import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../../src/config/env.js';
import type { SourceCollector } from '../../../src/ingestion/collector.js';
import { runPass } from '../../../src/ingestion/run-pass.js';
import { startFakeWordPress, type FakeWordPress, type PastLastCommentsPage, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { PoliteFetcher } from '../../../src/sources/http/polite-fetcher.js';
import { createCollectorRegistry } from '../../../src/sources/index.js';
import { createWordPressCollectorFactory } from '../../../src/sources/wordpress/factory.js';
import { listStoredCommentIds } from '../../../src/store/site-comments.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../../support/db.js';
import { DATASET_END, commentId, publicComments, resetPosts, siteSource, smallBlog, storedComments } from './support.js';

let db: TestDatabase;
let wp: FakeWordPress | undefined;
let dataset: WordPressDataset;
let fetcher: PoliteFetcher;

const blogYaml = (url: string, extra = '') => `{ slug: hsm-blog, kind: wordpress, url: "${url}", every: 1h, locality: stockport${extra} }`;

function collectorFor(source: SourceRow, options: { wordpressComApiUrl?: string } = {}): SourceCollector {
  const factory = createWordPressCollectorFactory({
    fetcher,
    ...options,
    storedCommentIds: (sourceId, since) => listStoredCommentIds(db.pool, sourceId, since),
    now: () => DATASET_END,
  });
  const collector = factory(source, { kind: 'incremental' });
  if (!collector) throw new Error('no incremental collector');
  return collector;
}

async function pass(options: { wordpressComApiUrl?: string } = {}) {
  const source = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
  return runPass(db.pool, source, collectorFor(source, options), { kind: 'incremental', trigger: 'cli' });
}

async function start(options: { permalinks?: 'pretty' | 'plain'; pastLastCommentsPage?: PastLastCommentsPage } = {}): Promise<FakeWordPress> {
  wp = await startFakeWordPress({ dataset, ...options });
  return wp;
}

beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  dataset = smallBlog();
  fetcher = new PoliteFetcher({ minIntervalMs: 0 });
  await resetPosts(db);
});
afterEach(async () => {
  await wp?.close();
  wp = undefined;
});

describe('WordPress incremental passes', () => {
  it('store every public comment once, with its thread parent, blog post context, site locality and UTC time', async () => {
    const site = await start();
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    const host = `127.0.0.1:${site.port}`;
    const expected = publicComments(dataset.comments, dataset.posts);

    const outcome = await pass();
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { newCount: expected.length, dropped: {} } });
    const stored = await storedComments(db, source.id);
    expect(new Set(stored.keys())).toEqual(new Set(expected.map((c) => commentId(host, c.id))));

    const publicIds = new Set(expected.map((c) => c.id));
    const reply = expected.find((c) => c.parentId !== 0 && publicIds.has(c.parentId))!;
    const post = dataset.posts.find((p) => p.id === reply.postId)!;
    const row = stored.get(commentId(host, reply.id))!;
    expect(row.parent_external_id).toBe(commentId(host, reply.parentId));
    expect(row.conversation_id).toBe(`${host}/post/${post.id}`);
    expect(row.created_at.toISOString()).toBe(reply.dateGmt.toISOString());
    expect(row.url).toBe(`${site.url}/${post.slug}/#comment-${reply.id}`);
    expect(row.context).toEqual({
      postId: post.id,
      postTitle: post.title,
      postUrl: `${site.url}/${post.slug}/`,
      categories: post.categories.map((id) => dataset.categories.find((t) => t.id === id)!.name),
      tags: post.tags.map((id) => dataset.tags.find((t) => t.id === id)!.name),
      siteLocality: 'stockport',
    });
    expect(row.author_name).toBe(reply.authorName);
    const topLevel = expected.find((c) => c.parentId === 0)!;
    expect(stored.get(commentId(host, topLevel.id))!.parent_external_id).toBeNull();
  });

  it('never store a commenter’s e-mail address, anywhere', async () => {
    const site = await start();
    await siteSource(db, blogYaml(site.url), 'hsm-blog');
    site.addComment({ postId: dataset.posts[0]!.id, authorName: 'jo.bloggs@example.org', authorEmail: 'jo.private@example.net', contentHtml: '<p>Hello</p>', dateGmt: new Date('2026-07-16T10:00:00Z') });
    expect((await pass()).status).toBe('succeeded');
    const { rows } = await db.pool.query<{ dump: string }>(
      `SELECT (SELECT string_agg(row_to_json(p)::text, E'\\n') FROM posts p) || (SELECT string_agg(row_to_json(a)::text, E'\\n') FROM authors a) AS dump`,
    );
    const dump = rows[0]!.dump;
    const emails = [...dataset.comments.map((c) => c.authorEmail), 'jo.private@example.net', 'jo.bloggs@example.org'].filter((e) => e !== '');
    expect(emails.filter((email) => dump.includes(email))).toEqual([]);
    expect(dump).toContain('"name":"jo.bloggs"');
  });

  it('ask only for comments after the last one seen (less a small overlap) and store only what is new', async () => {
    const site = await start();
    await siteSource(db, blogYaml(site.url), 'hsm-blog');
    await pass();
    const newest = publicComments(dataset.comments, dataset.posts).reduce((a, b) => (a.dateGmt > b.dateGmt ? a : b));
    expect((await findSourceBySlug(db.pool, 'hsm-blog'))!.cursor).toEqual({ after: `${newest.dateGmt.toISOString().slice(0, 19)}Z` });

    site.clearRequests();
    const quiet = await pass();
    expect(quiet).toMatchObject({ status: 'succeeded', counts: { newCount: 0, updatedCount: 0 } });
    const asked = site.requests('/wp/v2/comments')[0]!;
    expect(asked.query).toMatchObject({ orderby: ['date_gmt'], order: ['asc'], per_page: ['100'], after: [`${new Date(newest.dateGmt.getTime() - 60_000).toISOString().slice(0, 19)}Z`] });
    expect(asked.query._fields?.[0]).toContain('date_gmt');

    const added = site.addComment({ postId: newest.postId, parentId: newest.id, authorName: 'Sam Reddish', contentHtml: '<p>Great to see this in Marple</p>', dateGmt: new Date('2026-07-16T08:00:00Z') });
    const next = await pass();
    expect(next).toMatchObject({ status: 'succeeded', counts: { newCount: 1 } });
    expect((await findSourceBySlug(db.pool, 'hsm-blog'))!.cursor).toEqual({ after: '2026-07-16T08:00:00Z' });
    const source = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
    expect((await storedComments(db, source.id)).get(commentId(`127.0.0.1:${site.port}`, added.id))?.text).toBe('Great to see this in Marple');
  });

  it('resume a pass cut short at its next page, storing nothing twice', async () => {
    const site = await start();
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    site.injectFault({ kind: 'truncated-json' }, { match: /\/wp\/v2\/comments.*page=3/, times: 1 });
    const failed = await pass();
    expect(failed).toMatchObject({ status: 'failed', counts: { pages: 2 }, error: { code: 'WP_MALFORMED_PAYLOAD' } });
    const midway = (await findSourceBySlug(db.pool, 'hsm-blog'))!.cursor;
    expect(midway).toMatchObject({ pass: { page: 3 } });

    site.clearRequests();
    const resumed = await pass();
    expect(resumed).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length - 200 } });
    expect(site.requests('/wp/v2/comments')[0]!.query.page).toEqual(['3']);
    expect((await storedComments(db, source.id)).size).toBe(publicComments(dataset.comments, dataset.posts).length);
  });

  it('drop one malformed comment with a counted reason and store the rest of its page', async () => {
    const site = await start();
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    let broken: unknown;
    // Between the site and the collector, one comment of the first page loses its date.
    fetcher = new PoliteFetcher({
      minIntervalMs: 0,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url;
        if (!url.includes('/wp/v2/comments') || broken !== undefined) return response;
        const items = (await response.json()) as Record<string, unknown>[];
        broken = items[3]!.id;
        items[3]!.date_gmt = 'last Tuesday';
        return new Response(JSON.stringify(items), { status: response.status, headers: response.headers });
      },
    });
    const outcome = await pass();
    const expected = publicComments(dataset.comments, dataset.posts);
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { newCount: expected.length - 1, dropped: { 'malformed-comment': 1 } } });
    const stored = await storedComments(db, source.id);
    expect(stored.size).toBe(expected.length - 1);
    expect(stored.has(commentId(`127.0.0.1:${site.port}`, broken as number))).toBe(false);
  });

  it.each(['empty', 'error'] as const)('finish cleanly when asked for a page past the last (site answers %s)', async (mode) => {
    const site = await start({ pastLastCommentsPage: mode });
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length } });
    // A page past the end, as a pass resumed after comments were removed would ask for.
    const page = await collectorFor(source).fetchPage({ after: '2026-06-01T00:00:00Z', pass: { page: 40, newest: '2026-07-01T00:00:00Z' } }, AbortSignal.timeout(5_000));
    expect(page).toMatchObject({ posts: [], done: true, cursor: { after: '2026-07-01T00:00:00Z' } });
    expect(site.requests('/wp/v2/comments').at(-1)!.status).toBe(mode === 'empty' ? 200 : 400);
  });

  it('store hostile comment markup sanitised: no scripts, event handlers, javascript: links or styles', async () => {
    const site = await start();
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    const hostile = site.addComment({
      postId: dataset.posts[0]!.id,
      authorName: 'Mallory',
      authorUrl: 'javascript:alert(2)',
      contentHtml:
        '<p>Hello <script>alert("xss")</script><img src=x onerror="alert(document.cookie)"><a href="javascript:alert(1)">click me</a> <span style="color:red" onclick="steal()">styled</span> <a href="https://example.org/x" target="_blank">ok</a></p>',
      dateGmt: new Date('2026-07-16T10:00:00Z'),
    });
    await pass();
    const row = (await storedComments(db, source.id)).get(commentId(`127.0.0.1:${site.port}`, hostile.id))!;
    for (const bad of ['<script', 'alert', 'onerror', 'onclick', 'javascript:', 'style=', '<img', 'target=']) expect(row.html).not.toContain(bad);
    expect(row.html).toContain('<a href="https://example.org/x" rel="nofollow ugc noopener noreferrer">ok</a>');
    expect(row.text).toBe('Hello click me styled ok');
    expect(row.author_url).toBeNull();
    expect(JSON.stringify(row.raw)).not.toContain('<script');
  });
});

describe('WordPress discovery', () => {
  it('follows the advertised ?rest_route= root on a site without pretty permalinks', async () => {
    const site = await start({ permalinks: 'plain' });
    const source = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length } });
    const api = site.requests((r) => r.path !== '/' || r.query.rest_route !== undefined).filter((r) => r.target !== '/');
    expect(api.length).toBeGreaterThan(2);
    expect(api.every((r) => r.path === '/' && r.query.rest_route !== undefined)).toBe(true);
    expect((await storedComments(db, source.id)).size).toBe(publicComments(dataset.comments, dataset.posts).length);
  });

  it.each([
    ['pretty', '/wp-json/'],
    ['plain', '/?rest_route=/'],
  ] as const)('finds the API without a Link header by trying /wp-json/, then ?rest_route= (%s permalinks)', async (permalinks, found) => {
    const site = await start({ permalinks });
    await siteSource(db, blogYaml(site.url), 'hsm-blog');
    // The home page comes back without the API's Link header or <link> tag, as behind some proxies.
    site.injectFault({ kind: 'html-instead-of-json' }, { match: /^\/$/ });
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length } });
    const probes = site.requests().slice(1, permalinks === 'pretty' ? 2 : 3).map((r) => r.target);
    expect(probes).toEqual(permalinks === 'pretty' ? ['/wp-json/'] : ['/wp-json/', '/?rest_route=/']);
    expect(probes.at(-1)).toBe(found);
  });

  it('reads a WordPress.com site through WordPress.com’s public API for that site, never the site itself', async () => {
    wp = await startFakeWordPress({ dataset, flavour: 'wpcom', siteHost: 'hsmcampaign.wordpress.com' });
    const source = await siteSource(db, blogYaml('https://hsmcampaign.wordpress.com'), 'hsm-blog');
    const outcome = await pass({ wordpressComApiUrl: wp.url });
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length } });
    expect(wp.requests().every((r) => r.path.startsWith('/wp/v2/sites/hsmcampaign.wordpress.com/'))).toBe(true);
    const stored = await storedComments(db, source.id);
    const first = publicComments(dataset.comments, dataset.posts)[0]!;
    expect(stored.get(`hsmcampaign.wordpress.com/comment/${first.id}`)?.context).toMatchObject({ postId: first.postId, siteLocality: 'stockport' });
  });
});

describe('WordPress politeness', () => {
  it('names Groundswell in its User-Agent and keeps the configured gap between requests to the site', async () => {
    const site = await start();
    await siteSource(db, blogYaml(site.url, ', minInterval: 80ms'), 'hsm-blog');
    expect((await pass()).status).toBe('succeeded');
    const requests = site.requests();
    expect(requests.length).toBeGreaterThan(4);
    expect(requests.every((r) => r.userAgent === 'Groundswell/0.1 (campaign-engagement tracker)')).toBe(true);
    expect(site.minIntervalMs()).toBeGreaterThanOrEqual(75);
  });

  it('honours Retry-After on 429: stops, sends nothing more to the site until then, and resumes after', async () => {
    let wall = Date.parse('2026-07-20T12:00:00Z');
    fetcher = new PoliteFetcher({ minIntervalMs: 0, clock: () => wall });
    const site = await start();
    await siteSource(db, blogYaml(site.url), 'hsm-blog');
    site.injectFault({ kind: 'rate-limited', retryAfterSeconds: 120 }, { match: '/wp/v2/comments', times: 1 });
    const limited = await pass();
    expect(limited.status).toBe('rate-limited');
    expect(limited.status === 'rate-limited' && limited.error).toMatchObject({ code: 'RATE_LIMITED', resetAt: new Date(wall + 120_000) });
    expect((await findSourceBySlug(db.pool, 'hsm-blog'))!.status).toBe('rate-limited');

    const seen = site.requests().length;
    expect((await pass()).status).toBe('rate-limited');
    expect(site.requests()).toHaveLength(seen);

    wall += 121_000;
    expect(await pass()).toMatchObject({ status: 'succeeded', counts: { newCount: publicComments(dataset.comments, dataset.posts).length } });
  });
});

describe('the collector registry', () => {
  it('registers wordpress (incremental, and sweeps when it can list stored comments) and feed (incremental only)', async () => {
    const site = await start();
    const blog = await siteSource(db, blogYaml(site.url), 'hsm-blog');
    const config = { env: parseEnvironment({}), campaigns: [], configPath: 'test.yaml' };
    const feed = { ...blog, kind: 'feed' as const, settings: { url: `${site.url}/comments/feed/` } };

    const withoutDb = createCollectorRegistry(config, { fetcher });
    expect(withoutDb.has('wordpress') && withoutDb.has('feed')).toBe(true);
    expect(withoutDb.create(blog, { kind: 'incremental' })).toBeDefined();
    expect(withoutDb.create(blog, { kind: 'sweep' })).toBeUndefined();
    expect(withoutDb.create(blog, { kind: 'backfill' })).toBeUndefined();
    expect(withoutDb.create(feed, { kind: 'incremental' })).toBeDefined();
    expect(withoutDb.create(feed, { kind: 'sweep' })).toBeUndefined();

    const withDb = createCollectorRegistry(config, { fetcher, db: db.pool });
    expect(withDb.create(blog, { kind: 'sweep' })).toBeDefined();
    expect(() => withDb.create({ ...blog, settings: { url: 'not a url' } }, { kind: 'incremental' })).toThrow(/hsm-blog has invalid settings/);
  });
});
