import type { z } from 'zod';
import type { AuthorRecord, PostKind, PostRecord, ReferencedPost } from '../../domain/post.js';
import type { DroppedItem } from '../../ingestion/collector.js';
import { placeSchema, tweetSchema, userSchema, type XPlace, type XTweet, type XTweetsEnvelope, type XUser } from './payload.js';

export interface NormalisedTweets {
  posts: PostRecord[];
  authors: AuthorRecord[];
  dropped: DroppedItem[];
}

/** post, reply, quote or repost, from how the tweet references others. */
export function classifyTweet(tweet: Pick<XTweet, 'referenced_tweets'>): PostKind {
  const types = new Set((tweet.referenced_tweets ?? []).map((ref) => ref.type));
  if (types.has('retweeted')) return 'repost';
  if (types.has('replied_to')) return 'reply';
  if (types.has('quoted')) return 'quote';
  return 'post';
}

function parseEach<T>(schema: z.ZodType<T>, items: readonly unknown[] | undefined, what: string, dropped: DroppedItem[]): T[] {
  const parsed: T[] = [];
  for (const item of items ?? []) {
    const result = schema.safeParse(item);
    if (result.success) parsed.push(result.data);
    else {
      const issue = result.error.issues[0];
      const itemId = typeof item === 'object' && item !== null && 'id' in item ? String((item).id) : '?';
      dropped.push({ reason: `malformed-${what}`, detail: `${what} ${itemId}: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}` });
    }
  }
  return parsed;
}

function toAuthor(user: XUser): AuthorRecord {
  return {
    platform: 'x',
    externalId: user.id,
    handle: user.username,
    name: user.name,
    url: `https://x.com/${user.username}`,
    location: user.location ?? null,
    followersCount: user.public_metrics?.followers_count ?? null,
    verified: user.verified ?? null,
  };
}

function toPost(tweet: XTweet, users: Map<string, XUser>, places: Map<string, XPlace>, relation: 'match' | 'reference'): PostRecord {
  const author = users.get(tweet.author_id);
  const place = tweet.geo?.place_id ? places.get(tweet.geo.place_id) : undefined;
  const history = tweet.edit_history_tweet_ids ?? [tweet.id];
  const referenced: ReferencedPost[] = (tweet.referenced_tweets ?? []).map((ref) => ({ type: ref.type, id: ref.id }));
  const metrics = tweet.public_metrics;
  return {
    platform: 'x',
    // An edit gets a new id; keying the post by the first id of its edit history makes the edit
    // replace the text of the post already stored, while edit_history_ids keeps every id.
    externalId: history[0] ?? tweet.id,
    kind: classifyTweet(tweet),
    authorExternalId: tweet.author_id,
    createdAt: new Date(tweet.created_at),
    url: `https://x.com/${author?.username ?? 'i/web'}/status/${tweet.id}`,
    text: tweet.text,
    lang: tweet.lang ?? null,
    conversationId: tweet.conversation_id ?? null,
    parentExternalId: tweet.referenced_tweets?.find((ref) => ref.type === 'replied_to')?.id ?? null,
    referenced,
    editHistoryIds: history,
    place: place ? { id: place.id, fullName: place.full_name, countryCode: place.country_code ?? null, placeType: place.place_type ?? null } : null,
    metrics: {
      likes: metrics?.like_count ?? 0,
      reposts: metrics?.retweet_count ?? 0,
      replies: metrics?.reply_count ?? 0,
      quotes: metrics?.quote_count ?? 0,
      impressions: metrics?.impression_count ?? null,
    },
    raw: tweet,
    relation,
  };
}

/**
 * Turns one validated response envelope into posts and authors: the matches in `data`, plus the
 * posts they quote, repost or answer from `includes.tweets` (stored as references).
 */
export function normaliseTweets(envelope: XTweetsEnvelope): NormalisedTweets {
  const dropped: DroppedItem[] = [];
  const users = new Map(parseEach(userSchema, envelope.includes?.users, 'user', dropped).map((u) => [u.id, u]));
  const places = new Map(parseEach(placeSchema, envelope.includes?.places, 'place', dropped).map((p) => [p.id, p]));
  const matches = parseEach(tweetSchema, envelope.data, 'tweet', dropped);
  const references = parseEach(tweetSchema, envelope.includes?.tweets, 'referenced-tweet', dropped);

  const matchIds = new Set(matches.map((t) => t.id));
  const posts = [
    ...matches.map((t) => toPost(t, users, places, 'match')),
    ...references.filter((t) => !matchIds.has(t.id)).map((t) => toPost(t, users, places, 'reference')),
  ];
  return { posts, authors: [...users.values()].map(toAuthor), dropped };
}
