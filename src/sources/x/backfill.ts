import { z } from 'zod';
import type { TwitterApi } from 'twitter-api-v2';
import type { CollectedPage, SourceCollector } from '../../ingestion/collector.js';
import { PermanentError } from '../../ingestion/errors.js';
import type { SourceCursor } from '../../store/sources.js';
import type { ScopedRateBudget } from '../../ingestion/rate-budget.js';
import { classifyXError } from './errors.js';
import { XSearchCollector, type XSearchCollectorOptions } from './search-collector.js';

// A backfill reads a past window of an x-search source's query: from the full archive when the token
// has access, else from the 7-day recent-search window, saying so. It keeps its own cursor lane, so
// the source's incremental since_id is never touched, and it resumes where it stopped as long as it
// is asked for the same window again.

export type XArchive = 'recent' | 'all';

export interface BackfillWindow {
  since: Date;
  until: Date;
}

export interface XBackfillPlan {
  archive: XArchive;
  /** The window that will actually be read (the recent archive cannot reach further back than 7 days). */
  window: BackfillWindow;
  /** Set when the full archive was refused and the backfill falls back to recent search: why, in plain words. */
  fallback?: string;
  /** Posts X counts in the window (its counts endpoint). */
  expectedPosts: number;
  /** Search requests the window needs at the page size used. */
  expectedRequests: number;
  /** X's published request allowance for this archive's search, used for the time estimate until real headers arrive. */
  allowance: { requests: number; windowMs: number };
  collector: XBackfillCollector;
}

const RECENT_REACH_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Recent search refuses a start_time older than 7 days, and the edge moves while a long backfill
 * pages and waits for rate limits: start an hour inside it (at 450 requests of 100 posts per 15
 * minutes, an hour reads 180,000 posts).
 */
const RECENT_EDGE_MARGIN_MS = 60 * 60_000;
/** X rejects an end_time closer than 10 s to now. */
const END_TIME_MARGIN_MS = 30_000;
const PAGE_SIZE: Record<XArchive, number> = { recent: 100, all: 500 };
const PUBLISHED_ALLOWANCE: Record<XArchive, { requests: number; windowMs: number }> = {
  recent: { requests: 450, windowMs: 15 * 60_000 },
  all: { requests: 300, windowMs: 15 * 60_000 },
};

const countsEnvelopeSchema = z.object({
  data: z.array(z.object({ start: z.string(), end: z.string(), tweet_count: z.number().int().nonnegative() })).optional(),
  meta: z.object({ total_tweet_count: z.number().int().nonnegative().optional(), next_token: z.string().optional() }).loose().optional(),
});

/** Asks X how many posts the window holds, trying the full archive first; decides which archive the backfill reads. */
export async function planXBackfill(
  x: { client: TwitterApi; rateBudget?: ScopedRateBudget },
  query: string,
  requested: BackfillWindow,
  now: Date = new Date(),
): Promise<XBackfillPlan> {
  const { client } = x;
  const until = new Date(Math.min(requested.until.getTime(), now.getTime() - END_TIME_MARGIN_MS));
  if (requested.since.getTime() >= until.getTime()) {
    throw new PermanentError('BACKFILL_EMPTY_WINDOW', `the window ${requested.since.toISOString()} – ${until.toISOString()} is empty: --since must be before --until and before now`);
  }
  let window: BackfillWindow = { since: requested.since, until };
  let archive: XArchive = 'all';
  let fallback: string | undefined;
  let expectedPosts: number;
  try {
    expectedPosts = await countPosts(client, 'all', query, window);
  } catch (error) {
    const classified = classifyXError(error, 'tweets/counts/all');
    if (classified.code !== 'X_FORBIDDEN') throw classified;
    archive = 'recent';
    const reach = new Date(now.getTime() - RECENT_REACH_MS + RECENT_EDGE_MARGIN_MS);
    if (until.getTime() <= reach.getTime()) {
      throw new PermanentError(
        'BACKFILL_OUT_OF_REACH',
        `this X token has no full-archive access (403 on /2/tweets/counts/all), and recent search only reaches back to ${reach.toISOString()}: nothing in ${window.since.toISOString()} – ${until.toISOString()} can be read`,
      );
    }
    const clipped = window.since.getTime() < reach.getTime();
    window = { since: clipped ? reach : window.since, until };
    fallback = `this X token has no full-archive access (X answered 403 on /2/tweets/counts/all), so the backfill uses recent search${clipped ? `, which reaches back only 7 days: reading from ${reach.toISOString()} instead of ${requested.since.toISOString()}` : ''}`;
    expectedPosts = await countPosts(client, 'recent', query, window);
  }
  const expectedRequests = Math.max(1, Math.ceil(expectedPosts / PAGE_SIZE[archive]));
  const collector = new XBackfillCollector({
    client,
    query,
    archive,
    startTime: window.since,
    endTime: window.until,
    maxResults: PAGE_SIZE[archive],
    ...(x.rateBudget ? { rateBudget: x.rateBudget } : {}),
  });
  return { archive, window, ...(fallback ? { fallback } : {}), expectedPosts, expectedRequests, allowance: PUBLISHED_ALLOWANCE[archive], collector };
}

async function countPosts(client: TwitterApi, archive: XArchive, query: string, window: BackfillWindow): Promise<number> {
  const endpoint = `tweets/counts/${archive}`;
  let total = 0;
  let nextToken: string | undefined;
  do {
    const params: Record<string, string> = { query, granularity: 'day', start_time: window.since.toISOString(), end_time: window.until.toISOString() };
    if (nextToken) params.next_token = nextToken;
    let body: unknown;
    try {
      body = await client.v2.get<unknown>(endpoint, params);
    } catch (error) {
      throw classifyXError(error, endpoint);
    }
    const parsed = countsEnvelopeSchema.safeParse(body);
    if (!parsed.success) throw new PermanentError('X_MALFORMED_PAYLOAD', `X sent a ${endpoint} response Groundswell cannot read: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`);
    total += parsed.data.meta?.total_tweet_count ?? (parsed.data.data ?? []).reduce((sum, bucket) => sum + bucket.tweet_count, 0);
    nextToken = parsed.data.meta?.next_token;
  } while (nextToken);
  return total;
}

const backfillCursorSchema = z.object({
  window: z.object({ since: z.string(), until: z.string(), archive: z.enum(['recent', 'all']) }),
  search: z.record(z.string(), z.unknown()),
  pagesDone: z.number().int().nonnegative().default(0),
});
type BackfillCursor = z.output<typeof backfillCursorSchema>;

/** Search over a fixed window, resuming its stored position only when the stored window is the same one. */
export class XBackfillCollector implements SourceCollector {
  readonly #search: XSearchCollector;
  readonly #window: BackfillCursor['window'];

  constructor(readonly options: XSearchCollectorOptions & { archive: XArchive; startTime: Date; endTime: Date }) {
    this.#search = new XSearchCollector(options);
    this.#window = { since: options.startTime.toISOString(), until: options.endTime.toISOString(), archive: options.archive };
  }

  /** How many pages of this same window earlier runs already stored (0 for a fresh backfill). */
  pagesAlreadyDone(stored: SourceCursor): number {
    return this.#resumable(stored)?.pagesDone ?? 0;
  }

  get rateLimit() {
    return this.#search.rateLimit;
  }

  async fetchPage(stored: SourceCursor): Promise<CollectedPage> {
    const resumed = this.#resumable(stored);
    const page = await this.#search.fetchPage(resumed?.search ?? {});
    const cursor: BackfillCursor = { window: this.#window, search: page.cursor, pagesDone: (resumed?.pagesDone ?? 0) + 1 };
    return { ...page, cursor };
  }

  #resumable(stored: SourceCursor): BackfillCursor | undefined {
    const parsed = backfillCursorSchema.safeParse(stored);
    if (!parsed.success) return undefined;
    const { window } = parsed.data;
    return window.since === this.#window.since && window.until === this.#window.until && window.archive === this.#window.archive ? parsed.data : undefined;
  }
}
