import { z } from 'zod';
import type { TwitterApi, TwitterRateLimit } from 'twitter-api-v2';
import type { CollectedPage, SourceCollector } from '../../ingestion/collector.js';
import { PermanentError, RateLimitedError, RESET_MARGIN_MS } from '../../ingestion/errors.js';
import type { ScopedRateBudget } from '../../ingestion/rate-budget.js';
import type { SourceCursor } from '../../store/sources.js';
import { sendWithinBudget } from './budgeted-request.js';
import { normaliseTweets } from './normalise.js';
import { TWEET_REQUEST_FIELDS, tweetsEnvelopeSchema } from './payload.js';

// The cursor of an x-search source. `sinceId` is where the next pass starts (the newest post of the
// last completed pass). While a pass is under way, `pass` holds its fixed since_id, the first page's
// newest id and the next page's token, so a pass cut short resumes at its next page instead of
// starting over; the new since_id is only stored when the pass completes.
const cursorSchema = z.object({
  sinceId: z.string().optional(),
  pass: z.object({ sinceId: z.string().optional(), newestId: z.string().optional(), nextToken: z.string() }).optional(),
});
export type XSearchCursor = z.output<typeof cursorSchema>;

export interface XSearchCollectorOptions {
  client: TwitterApi;
  query: string;
  /** 'recent' (7 days) or 'all' (full archive, for backfills where the token allows it). */
  archive?: 'recent' | 'all';
  maxResults?: number;
  startTime?: Date;
  endTime?: Date;
  /** The rate-limit window shared with every other worker through Redis; without it, only this collector's last headers are heeded. */
  rateBudget?: ScopedRateBudget;
}

const maxId = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : BigInt(a) >= BigInt(b) ? a : b);

export class XSearchCollector implements SourceCollector {
  #rateLimit: TwitterRateLimit | undefined;

  constructor(private readonly options: XSearchCollectorOptions) {}

  /** The last rate-limit headers X sent, for callers that pace or report. */
  get rateLimit(): TwitterRateLimit | undefined {
    return this.#rateLimit;
  }

  async fetchPage(stored: SourceCursor): Promise<CollectedPage> {
    const parsed = cursorSchema.safeParse(stored);
    const cursor: XSearchCursor = parsed.success ? parsed.data : {};
    const endpoint = `tweets/search/${this.options.archive ?? 'recent'}` as const;
    // Never send a request the window cannot cover: wait for the reset X announced instead.
    if (!this.options.rateBudget && this.#rateLimit && this.#rateLimit.remaining <= 0 && this.#rateLimit.reset * 1000 > Date.now()) {
      const resumeAt = new Date(this.#rateLimit.reset * 1000 + RESET_MARGIN_MS);
      throw new RateLimitedError(resumeAt, `X rate limit spent on ${endpoint}; resumes at ${resumeAt.toISOString()}`);
    }

    const sinceId = cursor.pass ? cursor.pass.sinceId : cursor.sinceId;
    const query: Record<string, string | number> = {
      query: this.options.query,
      max_results: this.options.maxResults ?? 100,
      ...Object.fromEntries(Object.entries(TWEET_REQUEST_FIELDS).map(([key, values]) => [key, values.join(',')])),
    };
    if (sinceId) query.since_id = sinceId;
    if (cursor.pass) query.next_token = cursor.pass.nextToken;
    if (this.options.startTime && !sinceId) query.start_time = this.options.startTime.toISOString();
    if (this.options.endTime) query.end_time = this.options.endTime.toISOString();

    const response = await sendWithinBudget(this.options.rateBudget, endpoint, () => this.options.client.v2.get<unknown>(endpoint, query, { fullResponse: true }));
    const body = response.data;
    this.#rateLimit = response.rateLimit;

    const envelope = tweetsEnvelopeSchema.safeParse(body);
    if (!envelope.success || envelope.data.meta === undefined) {
      const problem = envelope.success ? 'meta is missing' : envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ');
      throw new PermanentError('X_MALFORMED_PAYLOAD', `X sent a ${endpoint} page Groundswell cannot read (${problem}); nothing from it was stored`);
    }
    const meta = envelope.data.meta;
    const { posts, authors, dropped } = normaliseTweets(envelope.data);
    const newestId = maxId(cursor.pass?.newestId, meta.newest_id);
    const completedSinceId = maxId(cursor.sinceId, newestId);
    const next: XSearchCursor = meta.next_token
      ? { ...(cursor.sinceId ? { sinceId: cursor.sinceId } : {}), pass: { ...(sinceId ? { sinceId } : {}), ...(newestId ? { newestId } : {}), nextToken: meta.next_token } }
      : { ...(completedSinceId ? { sinceId: completedSinceId } : {}) };
    return { posts, authors, dropped, fetched: envelope.data.data?.length ?? 0, cursor: next, done: meta.next_token === undefined };
  }
}
