import { avatarUrls, withQuery, type ApiMount, type SiteLinks } from './links.js';
import { ListingCache } from './listing-cache.js';
import { fieldTree, isFieldIncluded, pickFields } from './rest-fields.js';
import { NO_ROUTE, ParamReader, RestError } from './rest-params.js';
import type { CommentOrderBy, CommentRecord, PostRecord, SiteStore } from './store.js';
import type { FakeTerm } from './types.js';

export interface RestRequest {
  method: string;
  /** The route inside the API, e.g. "/wp/v2/comments". */
  route: string;
  query: URLSearchParams;
  mount: ApiMount;
}

export interface RestResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

interface Collection {
  items: unknown[];
  total: number;
  page: number;
  perPage: number;
}

/**
 * Everything in a comments request that decides which comments match and in what order, and nothing
 * that only picks the page (page, offset, per_page) or shapes each item (context, _fields): all the
 * pages of one listing share one kept list of matches.
 */
interface CommentQuery {
  orderby: CommentOrderBy;
  order: 'asc' | 'desc';
  posts: number[];
  parents: number[];
  parentExclude: number[];
  include: number[];
  exclude: number[];
  /** Local "YYYY-MM-DDTHH:MM:SS" boundaries, as compared with each comment's `date`. */
  after: string | undefined;
  before: string | undefined;
  /** Lower-cased. */
  search: string;
}

// A few dozen listings: enough for every client of a test or benchmark to page through its own at
// once, while a list of 100,000 matches is under 1 MB of references.
const KEPT_COMMENT_QUERIES = 32;

const pastLastPage = (): RestError => new RestError(400, 'rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.');

const COMMENT_ORDERBY: readonly CommentOrderBy[] = ['date', 'date_gmt', 'id', 'include', 'post', 'parent', 'type'];
const POST_ORDERBY = ['author', 'date', 'id', 'include', 'modified', 'parent', 'relevance', 'slug', 'include_slugs', 'title'] as const;
const TERM_ORDERBY = ['id', 'include', 'name', 'slug', 'include_slugs', 'term_group', 'description', 'count'] as const;
const CONTEXTS = ['view', 'embed', 'edit'] as const;
const ORDERS = ['asc', 'desc'] as const;
// Fields WordPress's comment schema leaves out of the `embed` context.
const COMMENT_EMBED_FIELDS = new Set(['id', 'author', 'author_name', 'author_url', 'date', 'content', 'link', 'parent', 'type', 'author_avatar_urls', '_links']);

/**
 * The WordPress REST API (wp/v2) for an anonymous visitor: what WP_REST_Comments_Controller,
 * WP_REST_Posts_Controller and WP_REST_Terms_Controller answer, with their parameter validation,
 * permission errors, pagination headers and `_fields` filtering.
 */
export type PastLastCommentsPage = 'empty' | 'error';

export class RestApi {
  readonly #store: SiteStore;
  readonly #links: SiteLinks;
  readonly #pastLastCommentsPage: PastLastCommentsPage;
  readonly #listings = new ListingCache<CommentRecord>(KEPT_COMMENT_QUERIES);

  constructor(store: SiteStore, links: SiteLinks, pastLastCommentsPage: PastLastCommentsPage = 'empty') {
    this.#store = store;
    this.#links = links;
    this.#pastLastCommentsPage = pastLastCommentsPage;
  }

  handle(request: RestRequest): RestResult {
    try {
      return this.#dispatch(request);
    } catch (error) {
      if (error instanceof RestError) return this.#respond(request, error.status, error.body);
      throw error;
    }
  }

  #dispatch(request: RestRequest): RestResult {
    const route = request.route.replace(/\/+$/, '') || '/';
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (route === '/wp/v2/comments' && request.method === 'POST') {
      throw new RestError(401, 'rest_comment_login_required', 'Sorry, you must be logged in to comment.');
    }
    if (!read) throw NO_ROUTE();
    if (route === '/' && request.mount.kind !== 'wpcom') return this.#respond(request, 200, this.#index(request.mount));
    if (route === '/wp/v2') return this.#respond(request, 200, this.#namespaceIndex(request.mount));
    if (route === '/wp/v2/comments') return this.#comments(request);
    if (route === '/wp/v2/posts') return this.#posts(request);
    if (route === '/wp/v2/categories') return this.#terms(request, 'category');
    if (route === '/wp/v2/tags') return this.#terms(request, 'post_tag');
    const single = /^\/wp\/v2\/(comments|posts)\/(\d+)$/.exec(route);
    if (single) return single[1] === 'comments' ? this.#comment(request, Number(single[2])) : this.#post(request, Number(single[2]));
    throw NO_ROUTE();
  }

  // ---- comments -------------------------------------------------------------------------------

  #comments(request: RestRequest): RestResult {
    const params = new ParamReader(request.query);
    const perPage = params.integer('per_page', { min: 1, max: 100, fallback: 10 });
    const page = params.integer('page', { min: 1, fallback: 1 });
    const offset = params.integer('offset', {});
    const order = params.oneOf('order', ORDERS, 'desc');
    const orderby = params.oneOf('orderby', COMMENT_ORDERBY, 'date_gmt');
    const context = params.oneOf('context', CONTEXTS, 'view');
    const posts = params.idList('post');
    const parents = params.idList('parent');
    const parentExclude = params.idList('parent_exclude');
    const include = params.idList('include');
    const exclude = params.idList('exclude');
    const clock = this.#store.clock;
    const after = params.dateTime('after', (v) => clock.localBoundary(v));
    const before = params.dateTime('before', (v) => clock.localBoundary(v));
    const fields = params.fieldList('_fields');
    params.check();

    // get_items_permissions_check(): an anonymous visitor may only ask for what is public anyway.
    if (context === 'edit') throw new RestError(401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit comments.');
    const forbidden: string[] = [];
    for (const name of ['author', 'author_exclude', 'author_email'] as const) {
      const value = params.raw(name) ?? params.raw(`${name}[]`);
      if (value !== undefined && value !== '') forbidden.push(name);
    }
    if (params.has('type') && params.raw('type') !== 'comment') forbidden.push('type');
    if (params.has('status') && params.raw('status') !== 'approve') forbidden.push('status');
    if (forbidden.length > 0) throw new RestError(401, 'rest_forbidden_param', `Query parameter not permitted: ${forbidden.join(', ')}`);

    const query: CommentQuery = { orderby, order, posts, parents, parentExclude, include, exclude, after, before, search: (params.raw('search') ?? '').toLowerCase() };
    const matches = this.#listings.matches(JSON.stringify(query), () => this.#siteState(), () => this.#matchingComments(query));

    // Core answers a comments page past the end with an empty list (the posts endpoint refuses it);
    // 'error' makes the comments endpoint refuse it too, for clients that must cope with either.
    if (this.#pastLastCommentsPage === 'error' && matches.length > 0 && page > Math.ceil(matches.length / perPage)) throw pastLastPage();
    const start = offset ?? (page - 1) * perPage;
    const items = matches.slice(start, start + perPage).map((record) => this.#commentView(record, request.mount, context, fields));
    return this.#collection(request, { items, total: matches.length, page, perPage });
  }

  #matchingComments(query: CommentQuery): CommentRecord[] {
    const { orderby, order, include, after, before, search } = query;
    const postSet = query.posts.length > 0 ? new Set(query.posts) : undefined;
    const parentSet = query.parents.length > 0 ? new Set(query.parents) : undefined;
    const parentExcludeSet = query.parentExclude.length > 0 ? new Set(query.parentExclude) : undefined;
    const includeSet = include.length > 0 ? new Set(include) : undefined;
    const excludeSet = query.exclude.length > 0 ? new Set(query.exclude) : undefined;

    const source = orderby === 'include' ? this.#byInclude(include, order) : this.#store.sortedComments(orderby, order);
    const matches: CommentRecord[] = [];
    for (const record of source) {
      const c = record.comment;
      if (c.type !== 'comment') continue;
      if (postSet && !postSet.has(c.postId)) continue;
      if (parentSet && !parentSet.has(c.parentId)) continue;
      if (parentExcludeSet?.has(c.parentId)) continue;
      if (includeSet && !includeSet.has(c.id)) continue;
      if (excludeSet?.has(c.id)) continue;
      // WP_Date_Query: strictly after / strictly before, on the local date column.
      if (after !== undefined && !(record.local > after)) continue;
      if (before !== undefined && !(record.local < before)) continue;
      if (search && !`${c.contentHtml}\n${c.authorName}\n${c.authorUrl}`.toLowerCase().includes(search)) continue;
      if (!this.#store.isPublicComment(record)) continue;
      matches.push(record);
    }
    return matches;
  }

  /**
   * What a kept comments listing depends on besides the query: the content (its version) and, when
   * the site hides the future, which of its dated items the clock has reached (an epoch that stays put
   * until the next comment's or post's time comes, and moves back if the clock does).
   */
  #siteState(): string {
    return `${this.#store.version}:${this.#store.visibilityEpoch()}`;
  }

  #byInclude(include: number[], order: 'asc' | 'desc'): CommentRecord[] {
    // orderby=include keeps the order of the list (ORDER BY FIELD(...)); without a list it falls back to date.
    if (include.length === 0) return this.#store.sortedComments('date_gmt', order);
    return include.map((id) => this.#store.comment(id)).filter((r): r is CommentRecord => r !== undefined);
  }

  #comment(request: RestRequest, id: number): RestResult {
    const params = new ParamReader(request.query);
    const context = params.oneOf('context', CONTEXTS, 'view');
    const fields = params.fieldList('_fields');
    params.check();
    const record = this.#store.comment(id);
    if (!record) throw new RestError(404, 'rest_comment_invalid_id', 'Invalid comment ID.');
    if (context === 'edit') throw new RestError(401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit comments.');
    if (!this.#store.isPublicComment(record)) throw new RestError(401, 'rest_cannot_read', 'Sorry, you are not allowed to read this comment.');
    return this.#respond(request, 200, this.#commentView(record, request.mount, context, fields));
  }

  #commentView(record: CommentRecord, mount: ApiMount, context: string, fields: string[] | undefined): unknown {
    const c = record.comment;
    const post = this.#store.post(c.postId)?.post;
    const data: Record<string, unknown> = {
      id: c.id,
      post: c.postId,
      parent: c.parentId,
      author: c.userId,
      author_name: c.authorName,
      author_url: c.authorUrl,
      date: record.local,
      date_gmt: record.gmt,
      content: { rendered: c.contentHtml },
      link: post ? this.#links.comment(post, c.id) : `${this.#links.home()}#comment-${c.id}`,
      status: 'approved',
      type: c.type,
      author_avatar_urls: avatarUrls(c.authorEmail),
      meta: [],
    };
    if (isFieldIncluded('_links', fields)) {
      const links: Record<string, unknown[]> = {
        self: [{ href: this.#links.restUrl(mount, `/wp/v2/comments/${c.id}`) }],
        collection: [{ href: this.#links.restUrl(mount, '/wp/v2/comments') }],
      };
      if (c.userId !== 0) links.author = [{ embeddable: true, href: this.#links.restUrl(mount, `/wp/v2/users/${c.userId}`) }];
      links.up = [{ embeddable: true, post_type: 'post', href: this.#links.restUrl(mount, `/wp/v2/posts/${c.postId}`) }];
      if (c.parentId !== 0) links['in-reply-to'] = [{ embeddable: true, href: this.#links.restUrl(mount, `/wp/v2/comments/${c.parentId}`) }];
      data._links = links;
    }
    const inContext = context === 'embed' ? Object.fromEntries(Object.entries(data).filter(([k]) => COMMENT_EMBED_FIELDS.has(k))) : data;
    return fields ? pickFields(inContext, fieldTree(fields)) : inContext;
  }

  // ---- posts ----------------------------------------------------------------------------------

  #posts(request: RestRequest): RestResult {
    const params = new ParamReader(request.query);
    const perPage = params.integer('per_page', { min: 1, max: 100, fallback: 10 });
    const page = params.integer('page', { min: 1, fallback: 1 });
    const offset = params.integer('offset', {});
    const order = params.oneOf('order', ORDERS, 'desc');
    const orderby = params.oneOf('orderby', POST_ORDERBY, 'date');
    const context = params.oneOf('context', CONTEXTS, 'view');
    const include = params.idList('include');
    const exclude = params.idList('exclude');
    const categories = params.idList('categories');
    const tags = params.idList('tags');
    const clock = this.#store.clock;
    const after = params.dateTime('after', (v) => clock.localBoundary(v));
    const before = params.dateTime('before', (v) => clock.localBoundary(v));
    const fields = params.fieldList('_fields');
    params.check();
    if (context === 'edit') throw new RestError(401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit posts in this post type.');
    const status = params.raw('status');
    if (status !== undefined && status !== 'publish') throw new RestError(401, 'rest_forbidden_status', 'Status is forbidden.');

    const slugs = (params.raw('slug') ?? '').split(',').filter((s) => s !== '');
    const search = (params.raw('search') ?? '').toLowerCase();
    const matches = this.#store.allPosts().filter((record) => {
      const p = record.post;
      if (!this.#store.isPublicPost(record)) return false;
      if (include.length > 0 && !include.includes(p.id)) return false;
      if (exclude.includes(p.id)) return false;
      if (categories.length > 0 && !p.categories.some((id) => categories.includes(id))) return false;
      if (tags.length > 0 && !p.tags.some((id) => tags.includes(id))) return false;
      if (slugs.length > 0 && !slugs.includes(p.slug)) return false;
      if (after !== undefined && !(record.local > after)) return false;
      if (before !== undefined && !(record.local < before)) return false;
      if (search && !`${p.title}\n${p.contentHtml}`.toLowerCase().includes(search)) return false;
      return true;
    });
    const sign = order === 'asc' ? 1 : -1;
    const key = (r: PostRecord): string | number => {
      switch (orderby) {
        case 'id':
          return r.post.id;
        case 'title':
          return r.post.title.toLowerCase();
        case 'slug':
          return r.post.slug;
        case 'modified':
          return r.modifiedGmt;
        case 'author':
          return r.post.author;
        case 'include':
          return include.indexOf(r.post.id);
        default:
          return r.gmt;
      }
    };
    matches.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return sign * (ka < kb ? -1 : ka > kb ? 1 : a.post.id - b.post.id);
    });

    const total = matches.length;
    const maxPages = Math.ceil(total / perPage);
    if (page > maxPages && total > 0) throw pastLastPage();
    const start = offset ?? (page - 1) * perPage;
    const items = matches.slice(start, start + perPage).map((record) => this.#postView(record, request.mount, fields));
    return this.#collection(request, { items, total, page, perPage });
  }

  #post(request: RestRequest, id: number): RestResult {
    const params = new ParamReader(request.query);
    const fields = params.fieldList('_fields');
    params.check();
    const record = this.#store.post(id);
    if (!record) throw new RestError(404, 'rest_post_invalid_id', 'Invalid post ID.');
    if (!this.#store.isPublicPost(record)) throw new RestError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
    return this.#respond(request, 200, this.#postView(record, request.mount, fields));
  }

  #postView(record: PostRecord, mount: ApiMount, fields: string[] | undefined): unknown {
    const p = record.post;
    const data: Record<string, unknown> = {
      id: p.id,
      date: record.local,
      date_gmt: record.gmt,
      guid: { rendered: this.#links.postGuid(p) },
      modified: record.modifiedLocal,
      modified_gmt: record.modifiedGmt,
      slug: p.slug,
      status: p.status,
      type: 'post',
      link: this.#links.post(p),
      title: { rendered: p.title },
      content: { rendered: p.contentHtml, protected: false },
      excerpt: { rendered: p.excerptHtml, protected: false },
      author: p.author,
      featured_media: 0,
      comment_status: p.commentStatus,
      ping_status: 'open',
      sticky: false,
      template: '',
      format: 'standard',
      meta: { footnotes: '' },
      categories: [...p.categories],
      tags: [...p.tags],
    };
    if (isFieldIncluded('_links', fields)) {
      data._links = {
        self: [{ href: this.#links.restUrl(mount, `/wp/v2/posts/${p.id}`) }],
        collection: [{ href: this.#links.restUrl(mount, '/wp/v2/posts') }],
        replies: [{ embeddable: true, href: withQuery(this.#links.restUrl(mount, '/wp/v2/comments'), new URLSearchParams({ post: String(p.id) })) }],
      };
    }
    return fields ? pickFields(data, fieldTree(fields)) : data;
  }

  // ---- categories and tags --------------------------------------------------------------------

  #terms(request: RestRequest, taxonomy: 'category' | 'post_tag'): RestResult {
    const params = new ParamReader(request.query);
    const perPage = params.integer('per_page', { min: 1, max: 100, fallback: 10 });
    const page = params.integer('page', { min: 1, fallback: 1 });
    const order = params.oneOf('order', ORDERS, 'asc');
    const orderby = params.oneOf('orderby', TERM_ORDERBY, 'name');
    const include = params.idList('include');
    const exclude = params.idList('exclude');
    const fields = params.fieldList('_fields');
    params.check();

    const terms = taxonomy === 'category' ? this.#store.categories : this.#store.tags;
    const counts = new Map<number, number>();
    for (const record of this.#store.allPosts()) {
      if (!this.#store.isPublicPost(record)) continue;
      for (const id of taxonomy === 'category' ? record.post.categories : record.post.tags) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const hideEmpty = params.raw('hide_empty') === 'true' || params.raw('hide_empty') === '1';
    const slugs = (params.raw('slug') ?? '').split(',').filter((s) => s !== '');
    const matches = terms.filter(
      (t) => (include.length === 0 || include.includes(t.id)) && !exclude.includes(t.id) && (slugs.length === 0 || slugs.includes(t.slug)) && (!hideEmpty || (counts.get(t.id) ?? 0) > 0),
    );
    const sign = order === 'asc' ? 1 : -1;
    const key = (t: FakeTerm): string | number =>
      orderby === 'id' ? t.id : orderby === 'slug' ? t.slug : orderby === 'count' ? (counts.get(t.id) ?? 0) : orderby === 'include' ? include.indexOf(t.id) : t.name.toLowerCase();
    matches.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return sign * (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id);
    });
    const base = taxonomy === 'category' ? '/wp/v2/categories' : '/wp/v2/tags';
    const items = matches.slice((page - 1) * perPage, page * perPage).map((t) => {
      const data: Record<string, unknown> = {
        id: t.id,
        count: counts.get(t.id) ?? 0,
        description: t.description,
        link: this.#links.term(taxonomy, t),
        name: t.name,
        slug: t.slug,
        taxonomy,
        ...(taxonomy === 'category' ? { parent: t.parent } : {}),
        meta: [],
      };
      if (isFieldIncluded('_links', fields)) {
        data._links = { self: [{ href: this.#links.restUrl(request.mount, `${base}/${t.id}`) }], collection: [{ href: this.#links.restUrl(request.mount, base) }] };
      }
      return fields ? pickFields(data, fieldTree(fields)) : data;
    });
    return this.#collection(request, { items, total: matches.length, page, perPage });
  }

  // ---- index ----------------------------------------------------------------------------------

  #index(mount: ApiMount): unknown {
    const site = this.#store.site;
    const routes: Record<string, unknown> = {};
    for (const route of ['/', '/wp/v2', '/wp/v2/posts', '/wp/v2/posts/(?P<id>[\\d]+)', '/wp/v2/comments', '/wp/v2/comments/(?P<id>[\\d]+)', '/wp/v2/categories', '/wp/v2/tags']) {
      const methods = route === '/wp/v2/comments' || route === '/wp/v2/posts' ? ['GET', 'POST'] : ['GET'];
      routes[route] = {
        namespace: route === '/' ? '' : 'wp/v2',
        methods,
        endpoints: methods.map((method) => ({ methods: [method], args: {} })),
        ...(route.includes('(?P') ? {} : { _links: { self: [{ href: this.#links.restUrl(mount, route) }] } }),
      };
    }
    return {
      name: site.name,
      description: site.description,
      url: this.#links.origin,
      home: this.#links.origin,
      gmt_offset: String(this.#store.clock.offsetMinutes(this.#store.now()) / 60),
      timezone_string: site.timezone,
      page_for_posts: 0,
      page_on_front: 0,
      show_on_front: 'posts',
      namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
      authentication: { 'application-passwords': { endpoints: { authorization: `${this.#links.origin}/wp-admin/authorize-application.php` } } },
      routes,
      site_logo: 0,
      site_icon: 0,
      site_icon_url: '',
      _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
    };
  }

  #namespaceIndex(mount: ApiMount): unknown {
    const routes: Record<string, unknown> = {};
    for (const route of ['/wp/v2', '/wp/v2/posts', '/wp/v2/comments', '/wp/v2/categories', '/wp/v2/tags']) {
      routes[route] = { namespace: 'wp/v2', methods: ['GET'], endpoints: [{ methods: ['GET'], args: {} }], _links: { self: [{ href: this.#links.restUrl(mount, route) }] } };
    }
    return { namespace: 'wp/v2', routes, _links: { up: [{ href: this.#links.restUrl(mount, '/') }] } };
  }

  // ---- responses ------------------------------------------------------------------------------

  #collection(request: RestRequest, collection: Collection): RestResult {
    const { total, page, perPage } = collection;
    const maxPages = Math.ceil(total / perPage);
    const result = this.#respond(request, 200, collection.items);
    result.headers['X-WP-Total'] = String(total);
    result.headers['X-WP-TotalPages'] = String(maxPages);
    // The links repeat the request's own parameters with `page` changed, as add_query_arg() builds them.
    const baseQuery = new URLSearchParams(request.query);
    baseQuery.delete('rest_route');
    const pageLink = (n: number): string => {
      const query = new URLSearchParams(baseQuery);
      query.set('page', String(n));
      return withQuery(this.#links.restUrl(request.mount, request.route.replace(/\/+$/, '')), query);
    };
    const links = result.headers.Link as string[];
    if (page > 1) links.push(`<${pageLink(Math.min(page - 1, Math.max(maxPages, 1)))}>; rel="prev"`);
    if (maxPages > page) links.push(`<${pageLink(page + 1)}>; rel="next"`);
    return result;
  }

  #respond(request: RestRequest, status: number, body: unknown): RestResult {
    return {
      status,
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'X-Robots-Tag': 'noindex',
        'X-Content-Type-Options': 'nosniff',
        'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
        'Access-Control-Allow-Headers': 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type',
        Link: request.mount.kind === 'wpcom' ? [] : [`<${this.#links.apiRoot()}>; rel="https://api.w.org/"`],
      },
      body,
    };
  }
}
