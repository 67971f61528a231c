import { z } from 'zod';
import type { AuthorRecord, PostRecord } from '../../domain/post.js';
import type { DroppedItem } from '../../ingestion/collector.js';
import type { WordPressApi } from './api.js';
import { BlogPostDirectory } from './blog-posts.js';
import { normaliseComments, validateComments } from './normalise.js';
import { COMMENT_FIELDS, type WpComment } from './payload.js';

export const COMMENTS_PER_PAGE = 100;

export interface CommentPage {
  /** Items the API returned, before validation. */
  items: unknown[];
  totalPages: number | undefined;
  comments: WpComment[];
  posts: PostRecord[];
  authors: AuthorRecord[];
  dropped: DroppedItem[];
}

/**
 * Reads one page of /wp/v2/comments and turns it into posts: validate each comment, look up the
 * blog posts they sit on, normalise. Shared by the incremental pass and the reconciliation sweep;
 * one reader lives for one pass, so its blog-post cache does too.
 */
export class CommentReader {
  readonly #api: WordPressApi;
  readonly #siteLocality: string | null;
  readonly #posts: BlogPostDirectory;

  constructor(api: WordPressApi, siteLocality: string | null) {
    this.#api = api;
    this.#siteLocality = siteLocality;
    this.#posts = new BlogPostDirectory(api);
  }

  /** Undefined when the page is past the last one (WordPress answers either [] or rest_post_invalid_page_number). */
  async read(params: Record<string, string>, signal?: AbortSignal): Promise<CommentPage | undefined> {
    const page = await this.#api.list('/wp/v2/comments', { per_page: String(COMMENTS_PER_PAGE), _fields: COMMENT_FIELDS.join(','), ...params }, signal);
    if (page.kind === 'past-last-page') return undefined;
    const { comments, dropped } = validateComments(page.items);
    await this.#posts.load(
      comments.map((c) => c.post),
      signal,
    );
    const { posts, authors } = normaliseComments(comments, { siteKey: this.#api.siteKey, siteLocality: this.#siteLocality, posts: this.#posts });
    return { items: page.items, totalPages: page.totalPages, comments, posts, authors, dropped };
  }
}

/**
 * Whether this page (number `pageNumber`) ends the list: past the end, empty, the last of
 * X-WP-TotalPages, or, when the site sent no total, short of a full page.
 */
export function isLastCommentPage(page: CommentPage | undefined, pageNumber: number): boolean {
  if (!page || page.items.length === 0) return true;
  return page.totalPages !== undefined ? pageNumber >= page.totalPages : page.items.length < COMMENTS_PER_PAGE;
}

/** A cursor's instant, in the form `wpInstant` writes. */
export const wpInstantSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

/** "2026-06-10T09:00:00Z": the form sent as `after` and kept in cursors (WordPress accepts an offset and honours it). */
export function wpInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

export function latestCommentDate(comments: readonly WpComment[], since: string | undefined): string | undefined {
  let latest = since;
  for (const comment of comments) {
    const at = `${comment.date_gmt}Z`;
    if (latest === undefined || at > latest) latest = at;
  }
  return latest;
}
