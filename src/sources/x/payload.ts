import { z } from 'zod';

// The parts of X API v2 payloads Groundswell reads, validated at the edge. The envelope must be
// right or the page is rejected whole (nothing stored, cursor untouched); a single tweet that does
// not fit is dropped with a counted reason and the rest of the page is kept.

const id = z.string().regex(/^\d{1,20}$/, { error: 'is not a numeric id' });

export const tweetSchema = z.object({
  id,
  text: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  author_id: id,
  edit_history_tweet_ids: z.array(id).min(1).optional(),
  conversation_id: id.optional(),
  in_reply_to_user_id: id.optional(),
  lang: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.enum(['retweeted', 'quoted', 'replied_to']), id })).optional(),
  geo: z.object({ place_id: z.string().optional() }).loose().optional(),
  entities: z
    .object({
      hashtags: z.array(z.object({ tag: z.string() }).loose()).optional(),
      mentions: z.array(z.object({ username: z.string() }).loose()).optional(),
      urls: z.array(z.object({ url: z.string(), expanded_url: z.string().optional() }).loose()).optional(),
    })
    .loose()
    .optional(),
  public_metrics: z
    .object({
      retweet_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      like_count: z.number().int().nonnegative(),
      quote_count: z.number().int().nonnegative(),
      impression_count: z.number().int().nonnegative().optional(),
    })
    .loose()
    .optional(),
}).loose();

export const userSchema = z.object({
  id,
  username: z.string(),
  name: z.string(),
  location: z.string().optional(),
  verified: z.boolean().optional(),
  public_metrics: z.object({ followers_count: z.number().int().nonnegative() }).loose().optional(),
}).loose();

export const placeSchema = z.object({
  id: z.string(),
  full_name: z.string(),
  country_code: z.string().optional(),
  place_type: z.string().optional(),
  geo: z.unknown().optional(),
}).loose();

const problemSchema = z.object({ title: z.string().optional(), detail: z.string().optional(), type: z.string().optional(), resource_id: z.string().optional(), value: z.string().optional() }).loose();

/** The envelope of a search or lookup response: items are checked one by one afterwards. */
export const tweetsEnvelopeSchema = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z
    .object({
      users: z.array(z.unknown()).optional(),
      tweets: z.array(z.unknown()).optional(),
      places: z.array(z.unknown()).optional(),
    })
    .loose()
    .optional(),
  errors: z.array(problemSchema).optional(),
  meta: z
    .object({
      result_count: z.number().int().nonnegative(),
      newest_id: id.optional(),
      oldest_id: id.optional(),
      next_token: z.string().optional(),
    })
    .loose()
    .optional(),
}).loose();

export type XTweet = z.output<typeof tweetSchema>;
export type XUser = z.output<typeof userSchema>;
export type XPlace = z.output<typeof placeSchema>;
export type XTweetsEnvelope = z.output<typeof tweetsEnvelopeSchema>;
export type XProblem = z.output<typeof problemSchema>;

/** Fields Groundswell asks X for on every search and lookup. */
export const TWEET_REQUEST_FIELDS = {
  'tweet.fields': ['created_at', 'public_metrics', 'conversation_id', 'entities', 'geo', 'lang', 'referenced_tweets', 'author_id', 'in_reply_to_user_id', 'edit_history_tweet_ids'],
  expansions: ['author_id', 'geo.place_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id'],
  'user.fields': ['username', 'name', 'location', 'public_metrics', 'verified'],
  'place.fields': ['full_name', 'country_code', 'place_type', 'geo'],
} as const;
