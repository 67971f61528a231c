import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommentFeeds, type FeedFormat } from './feeds.js';
import { FaultPlan, type Fault, type FaultHandle, type FaultScope } from './faults.js';
import { SiteLinks, type ApiMount, type Permalinks } from './links.js';
import { errorPage, homePage, maintenancePage, notFoundPage, plainStatusPage, postPage } from './pages.js';
import { RequestLog, type RequestLogEntry, type RequestMatch } from './request-log.js';
import { RestApi, type PastLastCommentsPage } from './rest.js';
import { SiteStore, type CommentEdit, type NewComment, type NewPost, type PostRecord } from './store.js';
import type { CommentStatus, FakeComment, FakePost, WordPressDataset } from './types.js';

export type WordPressFlavour = 'self-hosted' | 'wpcom';

export interface FakeWordPressOptions {
  dataset: WordPressDataset;
  /** 'pretty' serves the API under /wp-json/; 'plain' only under /?rest_route=, with /wp-json/ a 404. Default 'pretty'. */
  permalinks?: Permalinks;
  /**
   * 'wpcom' also serves the API as WordPress.com's public API does, under /wp/v2/sites/{siteHost}/…
   * (one local origin plays both the site and public-api.wordpress.com). Default 'self-hosted'.
   */
  flavour?: WordPressFlavour;
  /** The site's name in WordPress.com API paths. Default: this server's host ("127.0.0.1:PORT"). */
  siteHost?: string;
  /** The server's "now": dates of comments added without one, feed build dates. Default: the real clock. */
  clock?: () => Date;
  /** Hide posts and comments dated after the clock, as scheduled posts are, so a demo site can grow over time. Default false. */
  hideFutureContent?: boolean;
  /** Comments per feed (WordPress's posts_per_rss). Default 10. */
  feedSize?: number;
  /**
   * A comments page past the last: 'empty' (default) answers 200 with [] as WordPress core does;
   * 'error' answers 400 rest_post_invalid_page_number as core's posts endpoint does.
   */
  pastLastCommentsPage?: PastLastCommentsPage;
  /** Default 0: any free port. The server only ever binds 127.0.0.1. */
  port?: number;
}

export interface FakeWordPress {
  /** The site's origin, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  readonly port: number;
  /** The API root the site advertises (`/wp-json/` or `/?rest_route=/`). */
  readonly apiRoot: string;
  readonly siteHost: string;
  readonly permalinks: Permalinks;
  readonly flavour: WordPressFlavour;
  /** Stops the server, ending hung and streaming responses too; safe to call more than once. */
  close(): Promise<void>;

  /** Every comment, public or not, as stored. */
  comments(): FakeComment[];
  posts(): FakePost[];
  addComment(input: NewComment): FakeComment;
  editComment(id: number, edit: CommentEdit): FakeComment;
  setCommentStatus(id: number, status: CommentStatus): FakeComment;
  deleteComment(id: number): void;
  addPost(input: NewPost): FakePost;

  injectFault(fault: Fault, scope?: FaultScope): FaultHandle;
  clearFaults(): void;

  requests(match?: RequestMatch): RequestLogEntry[];
  clearRequests(): void;
  /** Smallest gap between consecutive matching requests, to check a client's politeness. */
  minIntervalMs(match?: RequestMatch, source?: 'monotonic' | 'clock'): number;
}

type Target =
  | { kind: 'rest'; route: string; mount: ApiMount }
  | { kind: 'feed'; format: FeedFormat; post?: PostRecord }
  | { kind: 'home' }
  | { kind: 'post'; post: PostRecord }
  | { kind: 'redirect'; location: string }
  | { kind: 'unknown-blog' }
  | { kind: 'not-found' };

const DEFAULT_HUGE_BYTES = 50 * 1024 * 1024;

/** Starts a fake WordPress site on 127.0.0.1 that follows the real REST API and feed contracts. */
export async function startFakeWordPress(options: FakeWordPressOptions): Promise<FakeWordPress> {
  const permalinks = options.permalinks ?? 'pretty';
  const flavour = options.flavour ?? 'self-hosted';
  const clock = options.clock ?? ((): Date => new Date());
  const store = new SiteStore(options.dataset, clock, options.hideFutureContent ?? false);
  const faults = new FaultPlan();
  const log = new RequestLog();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  // Filled in once listening: the links need the port.
  let links = new SiteLinks('http://127.0.0.1', permalinks);
  let api = new RestApi(store, links, options.pastLastCommentsPage);
  let feeds = new CommentFeeds(store, links, options.feedSize ?? 10);
  let siteHost = options.siteHost ?? '';

  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    const url = new URL(target, links.origin);
    const entry = log.record({
      at: clock(),
      method: req.method ?? 'GET',
      target,
      path: url.pathname,
      query: groupQuery(url.searchParams),
      userAgent: header(req, 'user-agent'),
      ifNoneMatch: header(req, 'if-none-match'),
      ifModifiedSince: header(req, 'if-modified-since'),
      authorization: req.headers.authorization !== undefined,
    });
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const fault = faults.take(target);
    entry.fault = fault?.kind;
    const resolved = resolve(url);

    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'delay') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!closed) serve(req, res, url, resolved);
      }, fault.ms);
      timers.add(timer);
      return;
    }
    if (fault) return applyFault(req, res, fault, resolved);
    serve(req, res, url, resolved);
  });

  function resolve(url: URL): Target {
    const path = url.pathname;
    const query = url.searchParams;
    const restRoute = query.get('rest_route');
    if (restRoute !== null && (path === '/' || path === '/index.php')) return { kind: 'rest', route: restRoute || '/', mount: { kind: 'rest_route' } };
    if (path === '/wp-json' || path.startsWith('/wp-json/')) {
      if (permalinks === 'plain') return { kind: 'not-found' };
      return { kind: 'rest', route: path.slice('/wp-json'.length) || '/', mount: { kind: 'wp-json' } };
    }
    const wpcom = /^\/wp\/v2\/sites\/([^/]+)(\/.*)?$/.exec(path);
    if (flavour === 'wpcom' && wpcom) {
      const site = decodeURIComponent(wpcom[1] ?? '');
      if (site !== siteHost) return { kind: 'unknown-blog' };
      return { kind: 'rest', route: `/wp/v2${wpcom[2] ?? ''}`, mount: { kind: 'wpcom', site: siteHost } };
    }

    const feedParam = query.get('feed');
    const postParam = query.get('p');
    const postById = postParam !== null && /^\d+$/.test(postParam) ? store.post(Number(postParam)) : undefined;
    if (path === '/' && feedParam !== null) {
      const format: FeedFormat = feedParam.includes('atom') ? 'atom' : 'rss2';
      if (feedParam === 'comments-rss2' || feedParam === 'comments-atom') return { kind: 'feed', format };
      if (postById && store.isPublicPost(postById)) return { kind: 'feed', format, post: postById };
      return { kind: 'not-found' };
    }
    if (path === '/' && postParam !== null) {
      if (!postById || !store.isPublicPost(postById)) return { kind: 'not-found' };
      // redirect_canonical(): with pretty permalinks the ?p= form moves to the post's address.
      return permalinks === 'pretty' ? { kind: 'redirect', location: links.post(postById.post) } : { kind: 'post', post: postById };
    }
    if (path === '/') return { kind: 'home' };
    if (permalinks === 'plain') return { kind: 'not-found' };

    if (path === '/comments/feed/' || path === '/comments/feed/rss2/') return { kind: 'feed', format: 'rss2' };
    if (path === '/comments/feed/atom/') return { kind: 'feed', format: 'atom' };
    const slugPath = /^\/([a-z0-9-]+)\/(feed\/(?:(atom|rss2)\/)?)?$/.exec(path);
    if (slugPath) {
      const post = store.allPosts().find((r) => r.post.slug === slugPath[1] && store.isPublicPost(r));
      if (!post) return { kind: 'not-found' };
      if (slugPath[2]) return { kind: 'feed', format: slugPath[3] === 'atom' ? 'atom' : 'rss2', post };
      return { kind: 'post', post };
    }
    return { kind: 'not-found' };
  }

  function serve(req: IncomingMessage, res: ServerResponse, url: URL, target: Target): void {
    const site = store.site;
    const discovery = `<${links.apiRoot()}>; rel="https://api.w.org/"`;
    switch (target.kind) {
      case 'rest': {
        const result = api.handle({ method: req.method ?? 'GET', route: target.route, query: url.searchParams, mount: target.mount });
        sendBody(res, result.status, result.headers, JSON.stringify(result.body));
        return;
      }
      case 'feed': {
        const result = feeds.render(target.format, { ifNoneMatch: header(req, 'if-none-match'), ifModifiedSince: header(req, 'if-modified-since') }, target.post?.post.id);
        if (!result) return sendHtml(res, 404, notFoundPage(site, links), { Link: discovery });
        if (result.status === 304) {
          res.writeHead(304, { ETag: result.headers.ETag, 'Last-Modified': result.headers['Last-Modified'] });
          res.end();
          return;
        }
        sendBody(res, 200, result.headers, result.body);
        return;
      }
      case 'home': {
        const recent = store
          .allPosts()
          .filter((r) => store.isPublicPost(r))
          .sort((a, b) => b.post.dateGmt.getTime() - a.post.dateGmt.getTime())
          .slice(0, 10)
          .map((r) => r.post);
        return sendHtml(res, 200, homePage(site, links, recent), { Link: discovery });
      }
      case 'post': {
        const restUrl = links.restUrl(permalinks === 'pretty' ? { kind: 'wp-json' } : { kind: 'rest_route' }, `/wp/v2/posts/${target.post.post.id}`);
        return sendHtml(res, 200, postPage(site, links, target.post.post, restUrl), {
          Link: [discovery, `<${restUrl}>; rel="alternate"; title="JSON"; type="application/json"`, `<${links.postGuid(target.post.post)}>; rel=shortlink`],
        });
      }
      case 'redirect':
        res.writeHead(301, { Location: target.location, 'Content-Type': 'text/html; charset=UTF-8' });
        res.end();
        return;
      case 'unknown-blog':
        // Not verified against WordPress.com; the shape follows WordPress's own error bodies.
        sendBody(res, 404, { 'Content-Type': 'application/json; charset=UTF-8' }, JSON.stringify({ code: 'unknown_blog', message: 'Unknown blog', data: { status: 404 } }));
        return;
      case 'not-found':
        return sendHtml(res, 404, notFoundPage(site, links), { Link: discovery });
    }
  }

  function applyFault(req: IncomingMessage, res: ServerResponse, fault: Exclude<Fault, { kind: 'hang' } | { kind: 'delay' }>, target: Target): void {
    const isRest = target.kind === 'rest' || target.kind === 'unknown-blog';
    const isFeed = target.kind === 'feed';
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void =>
      sendBody(res, status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers }, JSON.stringify(body));
    switch (fault.kind) {
      case 'html-instead-of-json':
        return sendHtml(res, 200, errorPage());
      case 'invalid-xml':
        sendBody(
          res,
          200,
          { 'Content-Type': 'application/rss+xml; charset=UTF-8' },
          '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Comments & more</title><item><title>Broken <b>feed</title></item>',
        );
        return;
      case 'truncated-json':
        sendBody(res, 200, { 'Content-Type': 'application/json; charset=UTF-8' }, '[{"id":1,"post":2,"content":{"rendered":"<p>cut o');
        return;
      case 'unauthorized':
        if ((fault.style ?? (isRest ? 'rest' : 'basic-auth')) === 'rest') return json(401, { code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
        return sendHtml(res, 401, plainStatusPage(401, 'Unauthorized'), { 'WWW-Authenticate': 'Basic realm="Restricted"' });
      case 'forbidden':
        if (isRest) return json(403, { code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.', data: { status: 403 } });
        return sendHtml(res, 403, plainStatusPage(403, 'Forbidden'));
      case 'rest-disabled':
        if ((fault.style ?? 'rest_no_route') === 'rest_no_route') return json(404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
        return sendHtml(res, 404, notFoundPage(store.site, links));
      case 'redirect-loop':
        res.writeHead(301, { Location: `${links.origin}${req.url ?? '/'}`, 'Content-Type': 'text/html; charset=UTF-8' });
        res.end();
        return;
      case 'huge':
        return streamHuge(res, fault.bytes ?? DEFAULT_HUGE_BYTES, isFeed ? 'xml' : 'json');
      case 'rate-limited': {
        const retryAfter = String(fault.retryAfterSeconds ?? 30);
        if (isRest) return json(429, { code: 'rest_too_many_requests', message: 'Too many requests.', data: { status: 429 } }, { 'Retry-After': retryAfter });
        return sendHtml(res, 429, plainStatusPage(429, 'Too Many Requests'), { 'Retry-After': retryAfter });
      }
      case 'unavailable':
        return sendHtml(res, 503, maintenancePage(), { 'Retry-After': String(fault.retryAfterSeconds ?? 600) });
    }
  }

  function streamHuge(res: ServerResponse, bytes: number, kind: 'json' | 'xml'): void {
    const open = kind === 'json' ? '[' : '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Comments</title>';
    const close = kind === 'json' ? '{"id":0}]' : '</channel></rss>';
    const unit =
      kind === 'json'
        ? '{"id":1,"post":1,"parent":0,"author_name":"Padding","content":{"rendered":"<p>padding padding padding padding</p>"}},'
        : '<item><title>Padding</title><description><![CDATA[padding padding padding padding]]></description></item>';
    const chunk = Buffer.from(unit.repeat(Math.max(1, Math.floor(65_536 / unit.length))));
    res.writeHead(200, { 'Content-Type': kind === 'json' ? 'application/json; charset=UTF-8' : 'application/rss+xml; charset=UTF-8' });
    res.write(open);
    let remaining = Math.max(0, bytes - open.length - close.length);
    const pump = (): void => {
      // Written a chunk at a time, waiting for 'drain', so 50 MB never sits in memory.
      while (remaining > 0) {
        if (closed || res.destroyed) return;
        // Whole units only, so the body stays well-formed however large it is.
        if (remaining < unit.length) break;
        const size = Math.min(chunk.length, Math.floor(remaining / unit.length) * unit.length);
        const piece = size === chunk.length ? chunk : chunk.subarray(0, size);
        remaining -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(close);
    };
    pump();
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  links = new SiteLinks(`http://127.0.0.1:${port}`, permalinks);
  api = new RestApi(store, links, options.pastLastCommentsPage);
  feeds = new CommentFeeds(store, links, options.feedSize ?? 10);
  siteHost = options.siteHost ?? `127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: links.origin,
    port,
    apiRoot: links.apiRoot(),
    siteHost,
    permalinks,
    flavour,
    close: () => {
      closing ??= new Promise<void>((resolveClose) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolveClose());
        // Hung requests and half-sent streams would otherwise keep close() waiting for ever.
        server.closeAllConnections();
      });
      return closing;
    },
    comments: () => store.allComments().map((r) => ({ ...r.comment })),
    posts: () => store.allPosts().map((r) => ({ ...r.post })),
    addComment: (input) => store.addComment(input),
    editComment: (id, edit) => store.editComment(id, edit),
    setCommentStatus: (id, status) => store.setCommentStatus(id, status),
    deleteComment: (id) => store.deleteComment(id),
    addPost: (input) => store.addPost(input),
    injectFault: (fault, scope) => faults.add(fault, scope),
    clearFaults: () => faults.clear(),
    requests: (match) => log.entries(match),
    clearRequests: () => log.clear(),
    minIntervalMs: (match, source) => log.minIntervalMs(match, source),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function groupQuery(params: URLSearchParams): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of params) (grouped[key] ??= []).push(value);
  return grouped;
}

function sendBody(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string): void {
  res.writeHead(status, { ...withoutEmpty(headers), 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  sendBody(res, status, { 'Content-Type': 'text/html; charset=UTF-8', ...headers }, html);
}

// Node rejects an empty array as a header value; a response with no Link simply has none.
function withoutEmpty(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
}
