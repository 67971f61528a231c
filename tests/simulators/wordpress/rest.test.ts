import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeWordPress, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { getJson, linkRels, publicComments, smallDataset, type WpError } from './helpers.js';

interface CommentJson {
  id: number;
  post: number;
  parent: number;
  date: string;
  date_gmt: string;
  status: string;
  content: { rendered: string };
  [key: string]: unknown;
}

describe('fake WordPress REST API (pretty permalinks)', () => {
  let dataset: WordPressDataset;
  let wp: FakeWordPress;
  let visible: ReturnType<typeof publicComments>;
  const api = (path: string): string => `${wp.url}/wp-json${path}`;

  beforeAll(async () => {
    dataset = smallDataset();
    visible = publicComments(dataset);
    wp = await startFakeWordPress({ dataset });
  });
  afterAll(async () => {
    await wp.close();
  });

  it('advertises /wp-json/ from the home page and describes itself at the index', async () => {
    const home = await fetch(`${wp.url}/`);
    expect(home.status).toBe(200);
    expect(linkRels(home.headers.get('link'))['https://api.w.org/']).toBe(`${wp.url}/wp-json/`);
    expect(await home.text()).toContain(`<link rel="https://api.w.org/" href="${wp.url}/wp-json/" />`);

    const index = await getJson<{ name: string; url: string; namespaces: string[]; routes: Record<string, unknown> }>(`${wp.url}/wp-json/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(index.body.url).toBe(wp.url);
    expect(index.body.namespaces).toContain('wp/v2');
    expect(Object.keys(index.body.routes)).toEqual(expect.arrayContaining(['/wp/v2/comments', '/wp/v2/posts', '/wp/v2/categories', '/wp/v2/tags']));
  });

  it('pages through every public comment with X-WP-Total, X-WP-TotalPages and Link rel=next/prev', async () => {
    const first = await getJson<CommentJson[]>(api('/wp/v2/comments?per_page=50'));
    expect(first.status).toBe(200);
    expect(Number(first.headers.get('x-wp-total'))).toBe(visible.length);
    expect(Number(first.headers.get('x-wp-totalpages'))).toBe(Math.ceil(visible.length / 50));
    expect(linkRels(first.headers.get('link')).prev).toBeUndefined();

    const seen: number[] = [];
    let next: string | undefined = api('/wp/v2/comments?per_page=50');
    let pages = 0;
    while (next) {
      const page: Awaited<ReturnType<typeof getJson<CommentJson[]>>> = await getJson<CommentJson[]>(next);
      seen.push(...page.body.map((c) => c.id));
      pages += 1;
      const rels = linkRels(page.headers.get('link'));
      if (pages > 1) expect(rels.prev).toContain(`page=${pages - 1}`);
      next = rels.next;
    }
    expect(pages).toBe(Math.ceil(visible.length / 50));
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(visible.map((c) => c.id)));
  });

  it('returns comments shaped as WordPress does, newest first, and never an author e-mail', async () => {
    const { body } = await getJson<CommentJson[]>(api('/wp/v2/comments'));
    expect(body).toHaveLength(10);
    const keys = ['id', 'post', 'parent', 'author', 'author_name', 'author_url', 'date', 'date_gmt', 'content', 'link', 'status', 'type', 'author_avatar_urls', 'meta', '_links'];
    expect(Object.keys(body[0] ?? {})).toEqual(keys);
    for (const comment of body) {
      expect(comment).not.toHaveProperty('author_email');
      expect(comment.status).toBe('approved');
      expect(comment.date_gmt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    }
    const gmt = body.map((c) => c.date_gmt);
    expect([...gmt].sort().reverse()).toEqual(gmt);
    // Europe/London in June is UTC+1: `date` is local, `date_gmt` is UTC.
    const sample = body[0] as CommentJson;
    expect(new Date(`${sample.date}Z`).getTime() - new Date(`${sample.date_gmt}Z`).getTime()).toBe(3_600_000);
    expect(JSON.stringify(body)).not.toContain('@example.com');
  });

  it('answers a comments page past the end with an empty list, as core does, and the posts endpoint with 400 rest_post_invalid_page_number', async () => {
    const pages = Math.ceil(visible.length / 100);
    const past = await getJson<CommentJson[]>(api(`/wp/v2/comments?per_page=100&page=${pages + 3}`));
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    expect(Number(past.headers.get('x-wp-total'))).toBe(visible.length);
    expect(linkRels(past.headers.get('link')).prev).toContain(`page=${pages}`);

    const posts = await getJson<WpError>(api('/wp/v2/posts?per_page=100&page=9'));
    expect(posts.status).toBe(400);
    expect(posts.body).toEqual({ code: 'rest_post_invalid_page_number', message: 'The page number requested is larger than the number of pages available.', data: { status: 400 } });
  });

  it('can refuse a comments page past the end for clients that must handle both answers', async () => {
    const strict = await startFakeWordPress({ dataset, pastLastCommentsPage: 'error' });
    try {
      const past = await getJson<WpError>(`${strict.url}/wp-json/wp/v2/comments?per_page=100&page=99`);
      expect(past.status).toBe(400);
      expect(past.body.code).toBe('rest_post_invalid_page_number');
    } finally {
      await strict.close();
    }
  });

  it('rejects per_page above 100 and other invalid parameters with rest_invalid_param', async () => {
    const tooMany = await getJson<WpError>(api('/wp/v2/comments?per_page=101'));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('rest_invalid_param');
    expect(tooMany.body.message).toBe('Invalid parameter(s): per_page');
    expect(tooMany.body.data.params?.per_page).toBe('per_page must be between 1 (inclusive) and 100 (inclusive)');

    const several = await getJson<WpError>(api('/wp/v2/comments?page=0&order=sideways&after=yesterday&post=abc'));
    expect(several.status).toBe(400);
    expect(Object.keys(several.body.data.params ?? {}).sort()).toEqual(['after', 'order', 'page', 'post']);
    expect(several.body.data.params?.order).toBe('order is not one of asc and desc.');
  });

  it('filters by after and before against the local date, strictly, honouring an offset when given', async () => {
    const pivot = visible[Math.floor(visible.length / 2)] as (typeof visible)[number];
    const pivotGmt = pivot.dateGmt.toISOString().slice(0, 19);
    const byId = await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${pivot.id}`));
    const pivotLocal = (byId.body[0] as CommentJson).date;

    const afterZ = await getJson<CommentJson[]>(api(`/wp/v2/comments?per_page=100&after=${pivotGmt}Z`));
    expect(afterZ.body.every((c) => c.date_gmt > pivotGmt)).toBe(true);
    expect(afterZ.body.map((c) => c.id)).not.toContain(pivot.id);

    // Without an offset the value is site-local time, so the local date string is the same boundary.
    const afterLocal = await getJson<CommentJson[]>(api(`/wp/v2/comments?per_page=100&after=${pivotLocal}`));
    expect(afterLocal.headers.get('x-wp-total')).toBe(afterZ.headers.get('x-wp-total'));
    // The GMT string taken as local time is an hour earlier, so it lets in more.
    const afterGmtAsLocal = await getJson<CommentJson[]>(api(`/wp/v2/comments?per_page=100&after=${pivotGmt}`));
    expect(Number(afterGmtAsLocal.headers.get('x-wp-total'))).toBeGreaterThan(Number(afterZ.headers.get('x-wp-total')));

    const before = await getJson<CommentJson[]>(api(`/wp/v2/comments?per_page=100&before=${encodeURIComponent(`${pivotLocal}+01:00`)}`));
    expect(before.body.every((c) => c.date < pivotLocal)).toBe(true);
    expect(Number(before.headers.get('x-wp-total')) + Number(afterZ.headers.get('x-wp-total'))).toBeLessThanOrEqual(visible.length - 1);
  });

  it('orders by id, post and the include list, ascending or descending', async () => {
    const asc = await getJson<CommentJson[]>(api('/wp/v2/comments?orderby=id&order=asc&per_page=100'));
    const ids = asc.body.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(Math.min(...visible.map((c) => c.id)));

    const byPost = await getJson<CommentJson[]>(api('/wp/v2/comments?orderby=post&order=desc&per_page=100'));
    const postIds = byPost.body.map((c) => c.post);
    expect(postIds).toEqual([...postIds].sort((a, b) => b - a));

    const wanted = [visible[5], visible[1], visible[9]].map((c) => (c as (typeof visible)[number]).id);
    const included = await getJson<CommentJson[]>(api(`/wp/v2/comments?orderby=include&include=${wanted.join(',')}`));
    expect(included.body.map((c) => c.id)).toEqual(wanted);

    const bad = await getJson<WpError>(api('/wp/v2/comments?orderby=karma'));
    expect(bad.body.data.params?.orderby).toBe('orderby is not one of date, date_gmt, id, include, post, parent, and type.');
  });

  it('filters by post, parent, include and exclude', async () => {
    const reply = visible.find((c) => c.parentId !== 0) as (typeof visible)[number];
    const onPost = await getJson<CommentJson[]>(api(`/wp/v2/comments?post=${reply.postId}&per_page=100`));
    expect(onPost.body.every((c) => c.post === reply.postId)).toBe(true);
    expect(Number(onPost.headers.get('x-wp-total'))).toBe(visible.filter((c) => c.postId === reply.postId).length);

    const replies = await getJson<CommentJson[]>(api(`/wp/v2/comments?parent[]=${reply.parentId}`));
    expect(replies.body.map((c) => c.id)).toContain(reply.id);
    expect(replies.body.every((c) => c.parent === reply.parentId)).toBe(true);

    const topLevel = await getJson<CommentJson[]>(api('/wp/v2/comments?parent=0&per_page=100'));
    expect(topLevel.body.every((c) => c.parent === 0)).toBe(true);

    const excluded = await getJson<CommentJson[]>(api(`/wp/v2/comments?post=${reply.postId}&exclude=${reply.id}&per_page=100`));
    expect(excluded.body.map((c) => c.id)).not.toContain(reply.id);
  });

  it('keeps only the requested fields with _fields, nested ones included, and drops _links', async () => {
    const { body } = await getJson<Record<string, unknown>[]>(api('/wp/v2/comments?_fields=id,content.rendered,post&per_page=3'));
    expect(body).toHaveLength(3);
    for (const comment of body) {
      expect(Object.keys(comment).sort()).toEqual(['content', 'id', 'post']);
      expect(Object.keys(comment.content as object)).toEqual(['rendered']);
    }
  });

  it('hides held, spam and trashed comments, even when asked for by id', async () => {
    const hidden = dataset.comments.filter((c) => c.status !== 'approved');
    expect(hidden.length).toBeGreaterThan(0);
    const ids = hidden.slice(0, 20).map((c) => c.id);
    const listed = await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${ids.join(',')}`));
    expect(listed.body).toEqual([]);
    expect(listed.headers.get('x-wp-total')).toBe('0');
    expect(listed.headers.get('x-wp-totalpages')).toBe('0');
    const single = await getJson<WpError>(api(`/wp/v2/comments/${ids[0]}`));
    expect(single.status).toBe(401);
    expect(single.body.code).toBe('rest_cannot_read');
  });

  it('refuses status other than approve, type other than comment and the edit context to an anonymous client', async () => {
    const held = await getJson<WpError>(api('/wp/v2/comments?status=hold'));
    expect(held.status).toBe(401);
    expect(held.body).toEqual({ code: 'rest_forbidden_param', message: 'Query parameter not permitted: status', data: { status: 401 } });
    expect((await getJson<WpError>(api('/wp/v2/comments?status=approved'))).status).toBe(401);
    expect((await getJson<WpError>(api('/wp/v2/comments?type=pingback'))).body.code).toBe('rest_forbidden_param');
    expect((await getJson<WpError>(api('/wp/v2/comments?context=edit'))).body.code).toBe('rest_forbidden_context');
    const approve = await getJson<CommentJson[]>(api('/wp/v2/comments?status=approve&context=view'));
    expect(approve.status).toBe(200);
  });

  it('lists published posts with include, per_page and _fields, and their categories and tags', async () => {
    const published = dataset.posts.filter((p) => p.status === 'publish');
    const all = await getJson<{ id: number }[]>(api('/wp/v2/posts?per_page=100&_fields=id'));
    expect(Number(all.headers.get('x-wp-total'))).toBe(published.length);
    const unpublished = dataset.posts.filter((p) => p.status !== 'publish').map((p) => p.id);
    expect(all.body.map((p) => p.id).filter((id) => unpublished.includes(id))).toEqual([]);

    const target = published[3] as (typeof published)[number];
    const one = await getJson<Record<string, unknown>[]>(api(`/wp/v2/posts?include=${target.id}&_fields=id,date,date_gmt,link,title,categories,tags,slug`));
    expect(one.body).toEqual([
      {
        id: target.id,
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/) as unknown,
        date_gmt: target.dateGmt.toISOString().slice(0, 19),
        link: `${wp.url}/${target.slug}/`,
        title: { rendered: target.title },
        categories: target.categories,
        tags: target.tags,
        slug: target.slug,
      },
    ]);

    const categories = await getJson<{ id: number; name: string; slug: string }[]>(api(`/wp/v2/categories?include=${target.categories.join(',')}&_fields=id,name,slug`));
    expect(categories.body.map((c) => c.id).sort()).toEqual([...target.categories].sort());
    const tags = await getJson<{ id: number; name: string; slug: string }[]>(api(`/wp/v2/tags?include=${target.tags.join(',')}`));
    expect(tags.body.map((t) => t.id).sort()).toEqual([...target.tags].sort());
    expect(tags.body[0]).toMatchObject({ taxonomy: 'post_tag', link: expect.stringContaining('/tag/') as unknown });
  });

  it('answers unknown routes with rest_no_route and HEAD requests with headers only', async () => {
    const missing = await getJson<WpError>(api('/wp/v2/nothing-here'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('rest_no_route');
    const head = await fetch(api('/wp/v2/comments?per_page=5'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('x-wp-total'))).toBe(visible.length);
    expect(await head.text()).toBe('');
  });
});

describe('fake WordPress mutations', () => {
  it('shows added, edited, moderated and deleted comments and added posts on the next call', async () => {
    const dataset = smallDataset(11);
    const wp = await startFakeWordPress({ dataset, clock: () => new Date('2026-07-20T12:00:00Z') });
    const api = (path: string): string => `${wp.url}/wp-json${path}`;
    try {
      const before = Number((await fetch(api('/wp/v2/comments'))).headers.get('x-wp-total'));
      const post = dataset.posts.find((p) => p.status === 'publish') as (typeof dataset.posts)[number];

      const added = wp.addComment({ postId: post.id, authorName: 'New Voice', authorEmail: 'new@example.com', contentHtml: '<p>Just joined from Hyde!</p>\n' });
      const afterAdd = await getJson<CommentJson[]>(api('/wp/v2/comments'));
      expect(Number(afterAdd.headers.get('x-wp-total'))).toBe(before + 1);
      expect(afterAdd.body[0]).toMatchObject({ id: added.id, post: post.id, date_gmt: '2026-07-20T12:00:00', author_name: 'New Voice' });

      wp.editComment(added.id, { contentHtml: '<p>Edited: joined from Hyde and Denton.</p>\n' });
      const edited = await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${added.id}`));
      expect(edited.body[0]?.content.rendered).toContain('Edited');

      const reply = wp.addComment({ postId: post.id, parentId: added.id, authorName: 'Replier', contentHtml: '<p>Welcome!</p>' });
      wp.setCommentStatus(added.id, 'hold');
      expect((await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${added.id}`))).body).toEqual([]);
      wp.setCommentStatus(added.id, 'approved');
      expect((await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${added.id}`))).body).toHaveLength(1);

      wp.deleteComment(added.id);
      expect((await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${added.id}`))).body).toEqual([]);
      // As wp_delete_comment() does, the reply moves up to the deleted comment's parent.
      expect((await getJson<CommentJson[]>(api(`/wp/v2/comments?include=${reply.id}`))).body[0]?.parent).toBe(0);

      const newPost = wp.addPost({ slug: 'marple-walkers', title: 'Marple walkers reach 100', dateGmt: new Date('2026-07-19T08:00:00Z'), categories: [1] });
      const posts = await getJson<{ id: number; link: string }[]>(api('/wp/v2/posts?per_page=1'));
      expect(posts.body[0]).toMatchObject({ id: newPost.id, link: `${wp.url}/marple-walkers/` });
    } finally {
      await wp.close();
    }
  });
});

describe('fake WordPress with plain permalinks', () => {
  it('advertises ?rest_route=/, serves the API there, links pages the same way and 404s /wp-json/', async () => {
    const dataset = smallDataset();
    const wp = await startFakeWordPress({ dataset, permalinks: 'plain' });
    try {
      const home = await fetch(`${wp.url}/`);
      expect(linkRels(home.headers.get('link'))['https://api.w.org/']).toBe(`${wp.url}/?rest_route=/`);
      const index = await getJson<{ namespaces: string[] }>(`${wp.url}/?rest_route=/`);
      expect(index.body.namespaces).toContain('wp/v2');

      const page = await getJson<CommentJson[]>(`${wp.url}/?rest_route=/wp/v2/comments&per_page=20`);
      expect(page.status).toBe(200);
      expect(page.body).toHaveLength(20);
      expect(linkRels(page.headers.get('link')).next).toBe(`${wp.url}/?rest_route=/wp/v2/comments&per_page=20&page=2`);
      expect(page.body[0]?.link).toMatch(new RegExp(`^${wp.url}/\\?p=\\d+#comment-\\d+$`));

      const wpJson = await fetch(`${wp.url}/wp-json/wp/v2/comments`);
      expect(wpJson.status).toBe(404);
      expect(wpJson.headers.get('content-type')).toContain('text/html');
    } finally {
      await wp.close();
    }
  });
});

describe('fake WordPress.com flavour', () => {
  it('serves the site under /wp/v2/sites/{site}/ with links in that form, while / still links to the API', async () => {
    const dataset = smallDataset();
    const wp = await startFakeWordPress({ dataset, flavour: 'wpcom', siteHost: 'hsmcampaign.wordpress.com' });
    try {
      const base = `${wp.url}/wp/v2/sites/hsmcampaign.wordpress.com`;
      const page = await getJson<CommentJson[]>(`${base}/comments?per_page=25`);
      expect(page.status).toBe(200);
      expect(Number(page.headers.get('x-wp-total'))).toBe(publicComments(dataset).length);
      expect(linkRels(page.headers.get('link')).next).toBe(`${base}/comments?per_page=25&page=2`);
      expect((page.body[0]?._links as { self: { href: string }[] }).self[0]?.href).toMatch(new RegExp(`^${base}/comments/\\d+$`));

      const posts = await getJson<unknown[]>(`${base}/posts?per_page=5&_fields=id,title`);
      expect(posts.body).toHaveLength(5);

      const other = await getJson<WpError>(`${wp.url}/wp/v2/sites/someone-else.wordpress.com/comments`);
      expect(other.status).toBe(404);

      const home = await fetch(`${wp.url}/`);
      expect(linkRels(home.headers.get('link'))['https://api.w.org/']).toBe(`${wp.url}/wp-json/`);
    } finally {
      await wp.close();
    }
  });
});

describe('fake WordPress that hides the future', () => {
  it('shows only posts and comments dated up to its clock, so a demo site grows as the clock moves', async () => {
    const dataset = smallDataset(3);
    let now = new Date('2026-06-12T00:00:00Z');
    const wp = await startFakeWordPress({ dataset, clock: () => now, hideFutureContent: true });
    try {
      const count = async (): Promise<number> => Number((await fetch(`${wp.url}/wp-json/wp/v2/comments`)).headers.get('x-wp-total'));
      const early = await count();
      const expected = publicComments(dataset).filter((c) => c.dateGmt <= now && (dataset.posts.find((p) => p.id === c.postId)?.dateGmt ?? now) <= now).length;
      expect(early).toBe(expected);
      now = new Date('2026-07-20T00:00:00Z');
      expect(await count()).toBe(publicComments(dataset).length);
      expect(await count()).toBeGreaterThan(early);
    } finally {
      await wp.close();
    }
  });
});
