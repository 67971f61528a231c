import { createHash } from 'node:crypto';
import type { FakePost, FakeTerm } from './types.js';

export type Permalinks = 'pretty' | 'plain';

/**
 * Where a REST request came in, which decides how the links it returns are written, as
 * get_rest_url() does: `/wp-json/…` with pretty permalinks, `/?rest_route=/…` with plain ones, and
 * `/wp/v2/sites/{site}/…` on WordPress.com's public API.
 */
export type ApiMount = { kind: 'wp-json' } | { kind: 'rest_route' } | { kind: 'wpcom'; site: string };

export class SiteLinks {
  readonly origin: string;
  readonly permalinks: Permalinks;

  constructor(origin: string, permalinks: Permalinks) {
    this.origin = origin;
    this.permalinks = permalinks;
  }

  home(): string {
    return `${this.origin}/`;
  }

  /** The API root the site advertises in its `Link: <…>; rel="https://api.w.org/"` header. */
  apiRoot(): string {
    return this.permalinks === 'pretty' ? `${this.origin}/wp-json/` : `${this.origin}/?rest_route=/`;
  }

  restUrl(mount: ApiMount, route: string): string {
    switch (mount.kind) {
      case 'wp-json':
        return `${this.origin}/wp-json${route === '/' ? '/' : route}`;
      case 'rest_route':
        return `${this.origin}/?rest_route=${route}`;
      case 'wpcom':
        return `${this.origin}/wp/v2/sites/${mount.site}${route.replace(/^\/wp\/v2/, '') || '/'}`;
    }
  }

  post(post: FakePost): string {
    return this.permalinks === 'pretty' ? `${this.origin}/${post.slug}/` : `${this.origin}/?p=${post.id}`;
  }

  /** Post GUIDs are always the plain form, whatever the permalinks; comment GUIDs build on them. */
  postGuid(post: FakePost): string {
    return `${this.origin}/?p=${post.id}`;
  }

  comment(post: FakePost, commentId: number): string {
    return `${this.post(post)}#comment-${commentId}`;
  }

  commentGuid(post: FakePost, commentId: number): string {
    return `${this.postGuid(post)}#comment-${commentId}`;
  }

  term(taxonomy: 'category' | 'post_tag', term: FakeTerm): string {
    if (this.permalinks === 'pretty') return `${this.origin}/${taxonomy === 'category' ? 'category' : 'tag'}/${term.slug}/`;
    return taxonomy === 'category' ? `${this.origin}/?cat=${term.id}` : `${this.origin}/?tag=${term.slug}`;
  }

  commentsFeed(format: 'rss2' | 'atom'): string {
    if (this.permalinks === 'pretty') return `${this.origin}/comments/feed/${format === 'atom' ? 'atom/' : ''}`;
    return `${this.origin}/?feed=comments-${format === 'atom' ? 'atom' : 'rss2'}`;
  }

  postCommentsFeed(post: FakePost, format: 'rss2' | 'atom'): string {
    if (this.permalinks === 'pretty') return `${this.post(post)}feed/${format === 'atom' ? 'atom/' : ''}`;
    return `${this.origin}/?feed=${format}&p=${post.id}`;
  }
}

/** Appends query arguments the way add_query_arg() does: `?` or `&` as the URL needs. */
export function withQuery(url: string, params: URLSearchParams): string {
  const text = params.toString();
  if (text === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${text}`;
}

/** Gravatar URLs as rest_get_avatar_urls() gives them (SHA-256 of the address since WordPress 6.8). */
export function avatarUrls(email: string): Record<'24' | '48' | '96', string> {
  const hash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  const at = (size: number): string => `https://secure.gravatar.com/avatar/${hash}?s=${size}&d=mm&r=g`;
  return { '24': at(24), '48': at(48), '96': at(96) };
}
