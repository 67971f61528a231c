import type { TwitterApi } from 'twitter-api-v2';
import type { EngagementMetrics, PostRemoval } from '../../domain/post.js';
import type { DroppedItem } from '../../ingestion/collector.js';
import { PermanentError } from '../../ingestion/errors.js';
import type { ScopedRateBudget } from '../../ingestion/rate-budget.js';
import { sendWithinBudget } from './budgeted-request.js';
import { tweetSchema, tweetsEnvelopeSchema, type XProblem } from './payload.js';

// GET /2/tweets: re-reads posts by id, for engagement refresh and for compliance. X answers 200 with
// the posts it can show in `data` and the others as partial errors: resource-not-found (deleted)
// and not-authorized-for-resource (protected). Only the fields a refresh needs are asked for, and
// no expansions, because reads are paid per post and expanded posts count too.

export const LOOKUP_BATCH_SIZE = 100;

const LOOKUP_FIELDS = { 'tweet.fields': 'created_at,author_id,public_metrics,edit_history_tweet_ids' } as const;

/** One post X returned. `id` is the id that was asked for; `firstId` keys the stored post (the first of its edit history). */
export interface LookedUpPost {
  id: string;
  firstId: string;
  editHistoryIds: string[];
  metrics: EngagementMetrics;
}

export interface TweetLookupResult {
  found: LookedUpPost[];
  /** Asked-for posts X reports gone, keyed by the id that was asked for. */
  removed: PostRemoval[];
  /** Asked-for posts X said nothing usable about (malformed item, another kind of error, absent). */
  dropped: DroppedItem[];
  /** Ids neither returned nor reported: left as they are. */
  unaccounted: string[];
}

/** Looks up at most 100 posts by id in one request. */
export type TweetLookup = (ids: readonly string[]) => Promise<TweetLookupResult>;

export interface TweetLookupOptions {
  client: TwitterApi;
  rateBudget?: ScopedRateBudget;
}

const PROBLEMS = 'https://api.twitter.com/2/problems/';

/** Why X could not show a requested post, in the words tombstones keep; undefined for other problems. */
export function removalReason(problem: XProblem): 'deleted' | 'not-authorized' | undefined {
  const type = problem.type ?? '';
  if (type === `${PROBLEMS}resource-not-found` || (type === '' && problem.title === 'Not Found Error')) return 'deleted';
  if (type === `${PROBLEMS}not-authorized-for-resource` || (type === '' && problem.title === 'Authorization Error')) return 'not-authorized';
  return undefined;
}

const problemId = (problem: XProblem): string | undefined => problem.resource_id ?? problem.value;

export function createTweetLookup(options: TweetLookupOptions): TweetLookup {
  return async (ids) => {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return { found: [], removed: [], dropped: [], unaccounted: [] };
    if (wanted.length > LOOKUP_BATCH_SIZE) throw new RangeError(`a tweet lookup takes at most ${LOOKUP_BATCH_SIZE} ids, got ${wanted.length}`);
    const response = await sendWithinBudget(options.rateBudget, 'tweets', () =>
      options.client.v2.get<unknown>('tweets', { ids: wanted.join(','), ...LOOKUP_FIELDS }, { fullResponse: true }),
    );
    return readLookupResponse(response.data, wanted);
  };
}

/** Validates a GET /2/tweets body and sorts each requested id into found, removed, dropped or unaccounted. */
export function readLookupResponse(body: unknown, wanted: readonly string[]): TweetLookupResult {
  const envelope = tweetsEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const problem = envelope.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).slice(0, 3).join('; ');
    throw new PermanentError('X_MALFORMED_PAYLOAD', `X sent a tweets lookup Groundswell cannot read (${problem}); nothing from it was stored`);
  }
  const asked = new Set(wanted);
  const seen = new Set<string>();
  const result: TweetLookupResult = { found: [], removed: [], dropped: [], unaccounted: [] };

  for (const item of envelope.data.data ?? []) {
    const parsed = tweetSchema.safeParse(item);
    const itemId = typeof item === 'object' && item !== null && 'id' in item ? String(item.id) : '?';
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      result.dropped.push({ reason: 'malformed-tweet', detail: `tweet ${itemId}: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}` });
      seen.add(itemId);
      continue;
    }
    const tweet = parsed.data;
    if (!asked.has(tweet.id)) continue;
    seen.add(tweet.id);
    const history = tweet.edit_history_tweet_ids ?? [tweet.id];
    const metrics = tweet.public_metrics;
    if (!metrics) {
      result.dropped.push({ reason: 'missing-metrics', detail: `tweet ${tweet.id} came back without public_metrics` });
      continue;
    }
    result.found.push({
      id: tweet.id,
      firstId: history[0] ?? tweet.id,
      editHistoryIds: history,
      metrics: { likes: metrics.like_count, reposts: metrics.retweet_count, replies: metrics.reply_count, quotes: metrics.quote_count, impressions: metrics.impression_count ?? null },
    });
  }

  for (const problem of envelope.data.errors ?? []) {
    const id = problemId(problem);
    if (id === undefined || !asked.has(id) || seen.has(id)) continue;
    seen.add(id);
    const reason = removalReason(problem);
    if (reason) result.removed.push({ platform: 'x', externalId: id, reason });
    else result.dropped.push({ reason: 'lookup-error', detail: `tweet ${id}: ${problem.title ?? problem.type ?? 'unknown problem'}${problem.detail ? ` (${problem.detail})` : ''}` });
  }

  result.unaccounted = wanted.filter((id) => !seen.has(id));
  return result;
}
