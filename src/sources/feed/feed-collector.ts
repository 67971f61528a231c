import { z } from 'zod';
import { redactUrl } from '../../config/secret.js';
import type { CollectedPage, SourceCollector } from '../../ingestion/collector.js';
import { PermanentError } from '../../ingestion/errors.js';
import type { SourceCursor } from '../../store/sources.js';
import type { HttpResponse, PoliteFetcher } from '../http/polite-fetcher.js';
import { normaliseFeed } from './normalise.js';
import { parseCommentFeed } from './parse.js';

// The cursor of a feed source: the validators of the last feed read, sent back as a conditional GET
// (If-None-Match / If-Modified-Since) so an unchanged feed costs a 304 and nothing else.
const cursorSchema = z.object({ etag: z.string().optional(), lastModified: z.string().optional() });
export type FeedCursor = z.output<typeof cursorSchema>;

const FEED_ACCEPT = 'application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.7, */*;q=0.1';

export interface FeedCollectorOptions {
  url: string;
  fetcher: PoliteFetcher;
  siteLocality: string | null;
  minIntervalMs?: number;
}

/**
 * An RSS 2.0 or Atom comment feed (WordPress, Blogger, Ghost, Drupal …). A feed is one document of
 * the latest comments, so each pass is one page; entries are keyed by GUID, so a comment seen again
 * is the same post (updated if it was edited), never a second one.
 */
export class FeedCollector implements SourceCollector {
  readonly #options: FeedCollectorOptions;

  constructor(options: FeedCollectorOptions) {
    this.#options = options;
  }

  async fetchPage(stored: SourceCursor, signal?: AbortSignal): Promise<CollectedPage> {
    const parsed = cursorSchema.safeParse(stored);
    const cursor: FeedCursor = parsed.success ? parsed.data : {};
    const response = await this.#options.fetcher.get({
      url: this.#options.url,
      accept: FEED_ACCEPT,
      etag: cursor.etag ?? null,
      lastModified: cursor.lastModified ?? null,
      ...(this.#options.minIntervalMs !== undefined ? { minIntervalMs: this.#options.minIntervalMs } : {}),
      ...(signal ? { signal } : {}),
    });
    if (response.status === 304) return { posts: [], authors: [], dropped: [], fetched: 0, cursor, done: true };
    if (response.status !== 200) throw refusal(response);

    const document = parseCommentFeed(feedText(response), redactUrl(response.url));
    const { posts, authors, dropped } = normaliseFeed(document, { feedUrl: new URL(response.url), siteLocality: this.#options.siteLocality });
    const etag = response.headers.get('etag');
    const lastModified = response.headers.get('last-modified');
    const next: FeedCursor = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
    return { posts, authors, dropped, fetched: document.entries.length, cursor: next, done: true };
  }
}

function refusal(response: HttpResponse): PermanentError {
  const shown = redactUrl(response.url);
  switch (response.status) {
    case 401:
      return new PermanentError('FEED_UNAUTHORIZED', `${shown} asks for a login (401): the feed is private; Groundswell reads only public feeds`);
    case 403:
      return new PermanentError('FEED_FORBIDDEN', `${shown} refused access (403): the feed is private or blocks this reader; ask the site's owner to allow the User-Agent "Groundswell"`);
    case 404:
    case 410:
      return new PermanentError('FEED_NOT_FOUND', `${shown} answered ${response.status}: there is no feed at this address; check the source's url (a WordPress site's comment feed is /comments/feed/)`);
    default:
      return new PermanentError('FEED_HTTP_ERROR', `${shown} answered ${response.status} where a feed was expected`);
  }
}

/** The charset from Content-Type, or else from the XML declaration, as XML parsers decide it. */
function feedText(response: HttpResponse): string {
  if (/charset=/i.test(response.headers.get('content-type') ?? '')) return response.text();
  const declared = /^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(response.body.subarray(0, 200).toString('latin1'))?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    try {
      return new TextDecoder(declared).decode(response.body);
    } catch {
      // An unknown label: fall through to UTF-8.
    }
  }
  return new TextDecoder('utf-8').decode(response.body);
}
