import { httpUrlOrNull, type SiteCommentContext } from '../site-comment/comment-record.js';
import { htmlToPlainText } from '../site-comment/sanitise.js';
import type { WordPressApi } from './api.js';
import { BLOG_POST_FIELDS, TERM_FIELDS, blogPostSchema, termSchema } from './payload.js';

/** WordPress caps per_page (and so include lists) at 100. */
const MAX_IDS_PER_REQUEST = 100;

interface BlogPostInfo {
  title: string | null;
  url: string | null;
  categoryIds: number[];
  tagIds: number[];
}

/**
 * The blog posts comments sit on (title, link, categories, tags) and the names of those terms,
 * fetched in batches with `include=` and kept for one pass, so a page of 100 comments on a
 * handful of posts costs at most three small requests, and usually none.
 */
export class BlogPostDirectory {
  readonly #api: WordPressApi;
  /** null: asked for, and not public (a draft or private post). */
  readonly #posts = new Map<number, BlogPostInfo | null>();
  readonly #terms = { categories: new Map<number, string>(), tags: new Map<number, string>() };
  readonly #askedTerms = { categories: new Set<number>(), tags: new Set<number>() };

  constructor(api: WordPressApi) {
    this.#api = api;
  }

  /** Makes sure these posts and their terms are known. */
  async load(postIds: Iterable<number>, signal?: AbortSignal): Promise<void> {
    const missing = [...new Set(postIds)].filter((id) => id > 0 && !this.#posts.has(id));
    const loaded: BlogPostInfo[] = [];
    for (const chunk of chunks(missing, MAX_IDS_PER_REQUEST)) {
      const items = await this.#listAll('/wp/v2/posts', chunk, BLOG_POST_FIELDS, signal);
      for (const item of items) {
        const parsed = blogPostSchema.safeParse(item);
        if (!parsed.success) continue;
        const post = parsed.data;
        const info: BlogPostInfo = {
          title: post.title ? htmlToPlainText(post.title.rendered) || null : null,
          url: httpUrlOrNull(post.link),
          categoryIds: post.categories,
          tagIds: post.tags,
        };
        this.#posts.set(post.id, info);
        loaded.push(info);
      }
      for (const id of chunk) if (!this.#posts.has(id)) this.#posts.set(id, null);
    }
    await this.#loadTerms('categories', loaded.flatMap((p) => p.categoryIds), signal);
    await this.#loadTerms('tags', loaded.flatMap((p) => p.tagIds), signal);
  }

  context(postId: number, siteLocality: string | null): SiteCommentContext {
    const post = this.#posts.get(postId);
    const names = (ids: number[], kind: 'categories' | 'tags'): string[] => ids.map((id) => this.#terms[kind].get(id)).filter((name): name is string => name !== undefined);
    return {
      postId,
      postTitle: post?.title ?? null,
      postUrl: post?.url ?? null,
      categories: post ? names(post.categoryIds, 'categories') : [],
      tags: post ? names(post.tagIds, 'tags') : [],
      siteLocality,
    };
  }

  async #loadTerms(kind: 'categories' | 'tags', ids: number[], signal: AbortSignal | undefined): Promise<void> {
    const asked = this.#askedTerms[kind];
    const missing = [...new Set(ids)].filter((id) => !asked.has(id));
    for (const chunk of chunks(missing, MAX_IDS_PER_REQUEST)) {
      for (const item of await this.#listAll(`/wp/v2/${kind}`, chunk, TERM_FIELDS, signal)) {
        const parsed = termSchema.safeParse(item);
        if (parsed.success) this.#terms[kind].set(parsed.data.id, htmlToPlainText(parsed.data.name));
      }
      for (const id of chunk) asked.add(id);
    }
  }

  async #listAll(route: string, ids: number[], fields: readonly string[], signal: AbortSignal | undefined): Promise<unknown[]> {
    const page = await this.#api.list(route, { include: ids.join(','), per_page: String(MAX_IDS_PER_REQUEST), _fields: fields.join(',') }, signal);
    return page.kind === 'page' ? page.items : [];
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
