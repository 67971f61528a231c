import { describe, expect, it } from 'vitest';
import { apiRootFromAdvertised, routeUrl } from '../../../src/sources/wordpress/api-root.js';
import type { BlogPostDirectory } from '../../../src/sources/wordpress/blog-posts.js';
import { normaliseComments, validateComments } from '../../../src/sources/wordpress/normalise.js';

const comment = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  post: 7,
  parent: 0,
  author: 0,
  author_name: 'Alex Marple',
  author_url: 'https://alex.example/',
  date_gmt: '2026-06-10T09:30:00',
  content: { rendered: '<p>Hello from Marple</p>\n' },
  link: 'https://blog.example.org/launch/#comment-' + String(id),
  type: 'comment',
  ...overrides,
});

const noPosts = { context: (postId: number, siteLocality: string | null) => ({ postId, postTitle: null, postUrl: null, categories: [], tags: [], siteLocality }) } as unknown as BlogPostDirectory;

describe('WordPress comment validation', () => {
  it('drops a malformed comment with a counted reason and keeps the rest of the page', () => {
    const { comments, dropped } = validateComments([comment(1), comment(2, { date_gmt: 'yesterday' }), { post: 7 }, comment(4, { type: 'pingback' }), comment(5)]);
    expect(comments.map((c) => c.id)).toEqual([1, 5]);
    expect(dropped).toEqual([
      { reason: 'malformed-comment', detail: 'comment 2: date_gmt is not a date-time like 2026-06-10T09:00:00' },
      { reason: 'malformed-comment', detail: expect.stringMatching(/^comment \?: id /) },
      { reason: 'not-a-comment', detail: 'comment 4 is a pingback' },
    ]);
  });

  it('keys comments by site and id, times them in UTC, threads replies and keys guests by name and URL', () => {
    const { comments } = validateComments([comment(1), comment(2, { parent: 1, author: 3, author_name: 'Staff' }), comment(3, { author_url: '' })]);
    const { posts, authors } = normaliseComments(comments, { siteKey: 'blog.example.org', siteLocality: 'stockport', posts: noPosts });
    expect(posts[0]).toMatchObject({
      platform: 'site',
      kind: 'comment',
      externalId: 'blog.example.org/comment/1',
      createdAt: new Date('2026-06-10T09:30:00Z'),
      text: 'Hello from Marple',
      html: '<p>Hello from Marple</p>',
      parentExternalId: null,
      conversationId: 'blog.example.org/post/7',
      context: { postId: 7, siteLocality: 'stockport' },
    });
    expect(posts[1]).toMatchObject({ parentExternalId: 'blog.example.org/comment/1', authorExternalId: 'blog.example.org/user/3' });
    expect(posts[0]!.authorExternalId).toMatch(/^blog\.example\.org\/guest\/[0-9a-f]{20}$/);
    expect(posts[2]!.authorExternalId).not.toBe(posts[0]!.authorExternalId);
    expect(authors).toHaveLength(3);
    expect(posts[0]!.raw).not.toHaveProperty('content');
  });
});

describe('WordPress API roots', () => {
  it('writes routes in the pretty, plain and WordPress.com forms', () => {
    const params = { per_page: '100', after: '2026-06-10T09:00:00Z' };
    expect(routeUrl(apiRootFromAdvertised('https://blog.example.org/wp-json/'), '/wp/v2/comments', params)).toBe(
      'https://blog.example.org/wp-json/wp/v2/comments?per_page=100&after=2026-06-10T09%3A00%3A00Z',
    );
    expect(routeUrl(apiRootFromAdvertised('https://blog.example.org/news/index.php?rest_route=/'), '/wp/v2/comments', params)).toBe(
      'https://blog.example.org/news/index.php?rest_route=%2Fwp%2Fv2%2Fcomments&per_page=100&after=2026-06-10T09%3A00%3A00Z',
    );
    expect(routeUrl({ kind: 'wpcom', root: 'https://public-api.wordpress.com/wp/v2/sites/hsm.wordpress.com' }, '/wp/v2/posts', { include: '1,2' })).toBe(
      'https://public-api.wordpress.com/wp/v2/sites/hsm.wordpress.com/posts?include=1%2C2',
    );
  });
});
