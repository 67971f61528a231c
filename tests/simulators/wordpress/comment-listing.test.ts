import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeComment, type FakeWordPress, type FakeWordPressOptions, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { SiteLinks } from '../../../src/simulators/wordpress/links.js';
import { ListingCache } from '../../../src/simulators/wordpress/listing-cache.js';
import { RestApi, type PastLastCommentsPage } from '../../../src/simulators/wordpress/rest.js';
import { SiteStore } from '../../../src/simulators/wordpress/store.js';
import { getJson, publicComments, smallDataset } from './helpers.js';

// The comments listing keeps each query's matches between page requests. These tests pin what that
// must never change: every answer is the one a server computing from scratch would give, and the
// next request sees any change to the site, or to its clock when it hides the future.

const ORIGIN = 'http://127.0.0.1:8080';
const SUMMER = (): Date => new Date('2026-07-20T12:00:00Z');

/** One comments request, answered as the server would send it (status, headers and body). */
function answer(api: RestApi, query: string): string {
  return JSON.stringify(api.handle({ method: 'GET', route: '/wp/v2/comments', query: new URLSearchParams(query), mount: { kind: 'wp-json' } }));
}

/** The same request to a server just built from the dataset, so nothing it answers was kept from before. */
function answerFromScratch(dataset: WordPressDataset, pastLastCommentsPage: PastLastCommentsPage, query: string): string {
  return answer(new RestApi(new SiteStore(dataset, SUMMER, false), new SiteLinks(ORIGIN, 'pretty'), pastLastCommentsPage), query);
}

// Sites a test started, closed after it whether it passed or not.
const openSites: FakeWordPress[] = [];
afterEach(async () => {
  await Promise.all(openSites.splice(0).map((site) => site.close()));
});

async function startSite(options: FakeWordPressOptions): Promise<FakeWordPress> {
  const site = await startFakeWordPress(options);
  openSites.push(site);
  return site;
}

const byTimeThenId = (a: FakeComment, b: FakeComment): number => a.dateGmt.getTime() - b.dateGmt.getTime() || a.id - b.id;

describe('fake WordPress comments listing, page after page', () => {
  const dataset = smallDataset(21);
  const visible = publicComments(dataset);
  const somePosts = [...new Set(visible.map((c) => c.postId))].slice(0, 4);
  const someIds = visible.filter((_, i) => i % 9 === 0).map((c) => c.id);
  const shuffled = [...someIds].reverse().concat(someIds.slice(0, 3));
  const queries = [
    '',
    'orderby=date_gmt&order=asc',
    'orderby=date&order=asc&after=2026-06-10T09:00:00Z',
    'orderby=id&order=desc&before=2026-06-20T00:00:00',
    `orderby=post&order=asc&post=${somePosts.join(',')}`,
    'orderby=parent&parent=0',
    'parent_exclude=0&order=asc',
    'search=the',
    `orderby=include&order=asc&include=${shuffled.join(',')}`,
    `exclude[]=${someIds[0]}&exclude[]=${someIds[1]}`,
    'orderby=type&context=embed&_fields=id,date_gmt,parent',
  ];

  for (const pastLastCommentsPage of ['empty', 'error'] as const) {
    it(`answers every page of interleaved queries exactly as a server with nothing kept does (past the last page: ${pastLastCommentsPage})`, () => {
      const api = new RestApi(new SiteStore(dataset, SUMMER, false), new SiteLinks(ORIGIN, 'pretty'), pastLastCommentsPage);
      const compare = (query: string): void => expect(answer(api, query)).toBe(answerFromScratch(dataset, pastLastCommentsPage, query));
      // Round-robin over the queries, so each page is asked for after the others have been served.
      for (const perPage of [25, 100]) {
        const lastPage = Math.ceil(visible.length / perPage) + 1;
        for (let page = 1; page <= lastPage; page += 1) {
          for (const query of queries) compare(`${query}&per_page=${perPage}&page=${page}`);
        }
      }
      for (const query of queries) compare(`${query}&per_page=10&page=3&offset=7`);
      // More distinct queries than are kept, then the first ones again.
      for (let day = 1; day <= 60; day += 1) compare(`after=2026-06-01T00:00:00Z&before=2026-07-${String((day % 28) + 1).padStart(2, '0')}T00:00:00Z&search=${day}`);
      for (const query of queries) compare(`${query}&per_page=30&page=2`);
    });
  }

  it('pages through a date_gmt listing in date order, each comment once', () => {
    const api = new RestApi(new SiteStore(dataset, SUMMER, false), new SiteLinks(ORIGIN, 'pretty'));
    const after = new Date('2026-06-10T09:00:00Z');
    const expected = visible.filter((c) => c.dateGmt > after).sort(byTimeThenId).map((c) => c.id);
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(expected.length / 20); page += 1) {
      const result = api.handle({ method: 'GET', route: '/wp/v2/comments', query: new URLSearchParams(`orderby=date_gmt&order=asc&after=${after.toISOString()}&per_page=20&page=${page}`), mount: { kind: 'wp-json' } });
      expect(result.headers['X-WP-Total']).toBe(String(expected.length));
      seen.push(...(result.body as { id: number }[]).map((c) => c.id));
    }
    expect(seen).toEqual(expected);
  });
});

describe('fake WordPress comments listing while the site changes', () => {
  it('shows added, edited, moderated and deleted comments on the very next page request of the same query', async () => {
    const dataset = smallDataset(23);
    const site = await startSite({ dataset, clock: SUMMER });
    const listing = `${site.url}/wp-json/wp/v2/comments?orderby=date_gmt&order=asc&per_page=20`;
    const page = async (n: number, extra = ''): Promise<{ total: number; ids: number[] }> => {
      const response = await getJson<{ id: number }[]>(`${listing}&page=${n}${extra}`);
      return { total: Number(response.headers.get('x-wp-total')), ids: response.body.map((c) => c.id) };
    };
    // What the listing must hold now, worked out from the site's own content.
    const expectedIds = (): number[] => {
      const published = new Set(site.posts().filter((p) => p.status === 'publish').map((p) => p.id));
      return site
        .comments()
        .filter((c) => c.status === 'approved' && c.type === 'comment' && published.has(c.postId))
        .sort(byTimeThenId)
        .map((c) => c.id);
    };
    const expectPages = async (): Promise<void> => {
      const expected = expectedIds();
      for (const n of [1, 2, 3]) expect(await page(n)).toEqual({ total: expected.length, ids: expected.slice((n - 1) * 20, n * 20) });
    };

    await expectPages();
    const post = dataset.posts.find((p) => p.status === 'publish') as (typeof dataset.posts)[number];
    const first = (await page(1)).ids;
    // Dated before everything else, so it pushes every later page along by one.
    const early = site.addComment({ postId: post.id, authorName: 'Early Bird', contentHtml: '<p>First!</p>', dateGmt: new Date('2026-05-01T00:00:00Z') });
    const shifted = await page(2);
    expect(shifted.ids[0]).toBe(first[19]);
    await expectPages();
    expect((await page(1)).ids[0]).toBe(early.id);

    expect((await page(1, '&search=zyzzyva')).total).toBe(0);
    site.editComment(early.id, { contentHtml: '<p>First, said the zyzzyva.</p>' });
    expect((await page(1, '&search=zyzzyva')).ids).toEqual([early.id]);

    site.setCommentStatus(early.id, 'hold');
    await expectPages();
    expect((await page(1)).ids).not.toContain(early.id);
    site.setCommentStatus(early.id, 'approved');
    await expectPages();

    site.deleteComment(early.id);
    await expectPages();
    expect((await page(1)).ids).toEqual(first);

    const newPost = site.addPost({ slug: 'hyde-runners', title: 'Hyde runners', dateGmt: new Date('2026-05-01T00:00:00Z') });
    const onNewPost = site.addComment({ postId: newPost.id, authorName: 'Runner', contentHtml: '<p>See you there.</p>', dateGmt: new Date('2026-05-02T00:00:00Z') });
    await expectPages();
    expect((await page(1)).ids[0]).toBe(onNewPost.id);
  });
});

describe('fake WordPress comments listing when the site hides the future', () => {
  it('shows a comment on the first request after its time comes, with nothing else changed, and hides it again if the clock goes back', async () => {
    const dataset = smallDataset(25);
    const posts = new Map(dataset.posts.map((p) => [p.id, p]));
    const times = publicComments(dataset).map((c) => c.dateGmt.getTime());
    // A comment in the middle, alone at its second and well after its post, so only the clock decides.
    const comment = publicComments(dataset)
      .sort(byTimeThenId)
      .slice(100)
      .find((c) => times.filter((t) => t === c.dateGmt.getTime()).length === 1 && (posts.get(c.postId)?.dateGmt.getTime() ?? Infinity) < c.dateGmt.getTime() - 60_000) as FakeComment;
    expect(comment).toBeDefined();
    let now = new Date(comment.dateGmt.getTime() - 1000);
    const site = await startSite({ dataset, clock: () => now, hideFutureContent: true });
    const newest = async (query = ''): Promise<{ total: number; ids: number[] }> => {
      const response = await getJson<{ id: number }[]>(`${site.url}/wp-json/wp/v2/comments?per_page=5${query}`);
      return { total: Number(response.headers.get('x-wp-total')), ids: response.body.map((c) => c.id) };
    };

    const before = await newest();
    expect(before.ids).not.toContain(comment.id);
    const onItsPost = await newest(`&post=${comment.postId}`);
    expect(onItsPost.ids).not.toContain(comment.id);

    now = new Date(comment.dateGmt.getTime());
    expect(await newest()).toEqual({ total: before.total + 1, ids: [comment.id, ...before.ids.slice(0, 4)] });
    expect((await newest(`&post=${comment.postId}`)).ids[0]).toBe(comment.id);

    now = new Date(comment.dateGmt.getTime() - 1);
    expect(await newest()).toEqual(before);
    expect(await newest(`&post=${comment.postId}`)).toEqual(onItsPost);
  });

  it("shows a comment dated before its post only once the post's own time comes", async () => {
    const dataset = smallDataset(27);
    let now = new Date('2026-07-20T00:00:00Z');
    const site = await startSite({ dataset, clock: () => now, hideFutureContent: true });
    const scheduled = site.addPost({ slug: 'scheduled', title: 'Scheduled for Monday', dateGmt: new Date('2026-07-20T09:00:00Z') });
    const early = site.addComment({ postId: scheduled.id, authorName: 'Previewer', contentHtml: '<p>Saw the draft.</p>', dateGmt: new Date('2026-07-20T08:00:00Z') });
    const listed = async (): Promise<number[]> => (await getJson<{ id: number }[]>(`${site.url}/wp-json/wp/v2/comments?orderby=date_gmt&order=desc&per_page=3`)).body.map((c) => c.id);

    expect(await listed()).not.toContain(early.id);
    now = new Date('2026-07-20T08:30:00Z');
    expect(await listed()).not.toContain(early.id);
    now = new Date('2026-07-20T09:00:00Z');
    expect((await listed())[0]).toBe(early.id);
  });
});

describe('the kept listings', () => {
  it('keeps at most its capacity, dropping the least recently used query first', () => {
    const cache = new ListingCache<number>(3);
    const computed: string[] = [];
    const ask = (query: string): readonly number[] =>
      cache.matches(query, () => 'v1', () => {
        computed.push(query);
        return [query.length];
      });
    for (const query of ['a', 'bb', 'ccc']) ask(query);
    ask('a');
    ask('dddd');
    expect(cache.size).toBe(3);
    ask('a');
    ask('ccc');
    ask('bb');
    expect(computed).toEqual(['a', 'bb', 'ccc', 'dddd', 'bb']);
    for (let i = 0; i < 100; i += 1) ask(`query ${i}`);
    expect(cache.size).toBe(3);
  });

  it('computes again when the state changes, and keeps nothing computed while the state moved', () => {
    const cache = new ListingCache<string>(3);
    let state = 'v1';
    let computations = 0;
    const ask = (moveDuringCompute?: string): readonly string[] =>
      cache.matches('q', () => state, () => {
        computations += 1;
        if (moveDuringCompute) state = moveDuringCompute;
        return [`${state}/${computations}`];
      });
    expect(ask()).toEqual(['v1/1']);
    expect(ask()).toEqual(['v1/1']);
    state = 'v2';
    expect(ask('v3')).toEqual(['v3/2']);
    expect(ask()).toEqual(['v3/3']);
    expect(ask()).toEqual(['v3/3']);
    expect(computations).toBe(3);
  });
});
