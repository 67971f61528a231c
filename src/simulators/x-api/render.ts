import { extractEntities } from './entities.js';
import { tweetNotAuthorized, tweetNotFound, type InvalidParameter, type ProblemBody } from './problems.js';
import type { XPlaceRecord, XTweetRecord, XUserRecord } from './types.js';

// Field selection and expansions, as X does them: a response carries only the fields asked for (plus
// the defaults), includes only what an expansion pulled in, and never an empty array.

// Accepted values, from the spec's parameter enums: a value outside them is a 400 on X, while a
// valid field the fake does not model is simply absent, as X omits fields with no value.
const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id',
  'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id',
  'in_reply_to_user_id', 'lang', 'matched_media_notes', 'media_metadata', 'non_public_metrics',
  'note_request_suggestions', 'note_tweet', 'organic_metrics', 'paid_partnership', 'possibly_sensitive',
  'promoted_metrics', 'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes', 'source',
  'suggested_source_links', 'suggested_source_links_with_counts', 'text', 'withheld',
] as const;
const EXPANSIONS = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet',
  'attachments.poll_ids', 'author_id', 'edit_history_tweet_ids', 'entities.mentions.username', 'geo.place_id',
  'in_reply_to_user_id', 'entities.note.mentions.username', 'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
] as const;
const USER_FIELDS = [
  'affiliation', 'confirmed_email', 'connection_status', 'created_at', 'description', 'entities', 'id',
  'is_identity_verified', 'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id',
  'profile_banner_url', 'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm', 'subscription',
  'subscription_type', 'url', 'username', 'verified', 'verified_followers_count', 'verified_type', 'withheld',
] as const;
const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'] as const;
const MEDIA_FIELDS = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url',
  'promoted_metrics', 'public_metrics', 'type', 'url', 'variants', 'width',
] as const;
const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;

export interface FieldSelection {
  tweetFields: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
  userFields: ReadonlySet<string>;
  placeFields: ReadonlySet<string>;
}

export const FIELD_PARAMETERS = ['tweet.fields', 'expansions', 'user.fields', 'place.fields', 'media.fields', 'poll.fields'] as const;

function parseList(
  query: URLSearchParams,
  parameter: string,
  allowed: readonly string[],
  issues: InvalidParameter[],
): Set<string> {
  const raw = query.get(parameter);
  const values = new Set<string>();
  if (raw === null) return values;
  for (const value of raw.split(',')) {
    if (!allowed.includes(value)) {
      issues.push({
        parameter,
        value,
        message: `The \`${parameter}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
      });
    } else {
      values.add(value);
    }
  }
  return values;
}

export function parseFieldSelection(query: URLSearchParams, issues: InvalidParameter[]): FieldSelection {
  const selection = {
    tweetFields: parseList(query, 'tweet.fields', TWEET_FIELDS, issues),
    expansions: parseList(query, 'expansions', EXPANSIONS, issues),
    userFields: parseList(query, 'user.fields', USER_FIELDS, issues),
    placeFields: parseList(query, 'place.fields', PLACE_FIELDS, issues),
  };
  parseList(query, 'media.fields', MEDIA_FIELDS, issues);
  parseList(query, 'poll.fields', POLL_FIELDS, issues);
  return selection;
}

export type JsonObject = Record<string, unknown>;

export function renderTweet(tweet: XTweetRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [...tweet.edit_history_tweet_ids] };
  if (fields.has('author_id')) out.author_id = tweet.author_id;
  if (fields.has('created_at')) out.created_at = tweet.created_at;
  if (fields.has('conversation_id')) out.conversation_id = tweet.conversation_id;
  if (fields.has('lang')) out.lang = tweet.lang;
  if (fields.has('public_metrics')) out.public_metrics = { ...tweet.public_metrics };
  if (fields.has('in_reply_to_user_id') && tweet.in_reply_to_user_id) out.in_reply_to_user_id = tweet.in_reply_to_user_id;
  if (fields.has('referenced_tweets') && tweet.referenced_tweets?.length) {
    out.referenced_tweets = tweet.referenced_tweets.map((r) => ({ type: r.type, id: r.id }));
  }
  if (fields.has('geo') && tweet.geo) out.geo = { place_id: tweet.geo.place_id };
  if (fields.has('entities')) {
    const entities = tweet.entities ?? extractEntities(tweet.text);
    if (entities) out.entities = structuredClone(entities);
  }
  if (fields.has('possibly_sensitive')) out.possibly_sensitive = false;
  if (fields.has('reply_settings')) out.reply_settings = 'everyone';
  if (fields.has('edit_controls')) {
    const created = Date.parse(tweet.created_at);
    out.edit_controls = {
      is_edit_eligible: true,
      editable_until: new Date(created + 60 * 60 * 1000).toISOString(),
      edits_remaining: Math.max(0, 6 - tweet.edit_history_tweet_ids.length),
    };
  }
  return out;
}

export function renderUser(user: XUserRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: user.id, name: user.name, username: user.username };
  if (fields.has('created_at')) out.created_at = user.created_at;
  if (fields.has('description')) out.description = user.description ?? '';
  if (fields.has('location') && user.location) out.location = user.location;
  if (fields.has('public_metrics')) out.public_metrics = { ...user.public_metrics };
  if (fields.has('verified')) out.verified = user.verified;
  if (fields.has('protected')) out.protected = user.protected;
  return out;
}

export function renderPlace(place: XPlaceRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: place.id, full_name: place.full_name };
  if (fields.has('name')) out.name = place.name;
  if (fields.has('country')) out.country = place.country;
  if (fields.has('country_code')) out.country_code = place.country_code;
  if (fields.has('place_type')) out.place_type = place.place_type;
  if (fields.has('geo')) out.geo = structuredClone(place.geo);
  return out;
}

/** The fake's world as rendering sees it. */
export interface RenderSource {
  tweet(id: string): XTweetRecord | undefined;
  /** Whether a caller may see a post: deleted and unknown are 'missing'. */
  visibility(id: string): 'visible' | 'missing' | 'protected';
  user(id: string): XUserRecord | undefined;
  userByUsername(username: string): XUserRecord | undefined;
  place(id: string): XPlaceRecord | undefined;
}

export interface RenderedTweets {
  data: JsonObject[];
  includes?: JsonObject;
  errors?: ProblemBody[];
}

export function renderTweets(tweets: readonly XTweetRecord[], selection: FieldSelection, source: RenderSource): RenderedTweets {
  const { expansions, tweetFields, userFields, placeFields } = selection;
  const users = new Map<string, XUserRecord>();
  const places = new Map<string, XPlaceRecord>();
  const included = new Map<string, XTweetRecord>();
  const errors: ProblemBody[] = [];
  const reported = new Set<string>();
  const addUser = (id: string | undefined): void => {
    if (!id || users.has(id)) return;
    const user = source.user(id);
    if (user) users.set(id, user);
  };

  for (const tweet of tweets) {
    if (expansions.has('author_id')) addUser(tweet.author_id);
    if (expansions.has('in_reply_to_user_id')) addUser(tweet.in_reply_to_user_id);
    if (expansions.has('entities.mentions.username')) {
      for (const mention of (tweet.entities ?? extractEntities(tweet.text))?.mentions ?? []) {
        addUser(source.userByUsername(mention.username)?.id);
      }
    }
    if (expansions.has('geo.place_id') && tweet.geo) {
      const place = source.place(tweet.geo.place_id);
      if (place) places.set(place.id, place);
    }
    if (expansions.has('referenced_tweets.id') || expansions.has('referenced_tweets.id.author_id')) {
      for (const reference of tweet.referenced_tweets ?? []) {
        const visibility = source.visibility(reference.id);
        const referenced = source.tweet(reference.id);
        if (visibility === 'visible' && referenced) {
          if (expansions.has('referenced_tweets.id')) included.set(referenced.id, referenced);
          if (expansions.has('referenced_tweets.id.author_id')) addUser(referenced.author_id);
        } else if (expansions.has('referenced_tweets.id') && !reported.has(reference.id)) {
          // X reports an expansion it could not fill as a partial error beside the data.
          reported.add(reference.id);
          errors.push(
            visibility === 'protected'
              ? tweetNotAuthorized(reference.id, 'referenced_tweets.id', 'includes')
              : tweetNotFound(reference.id, 'referenced_tweets.id'),
          );
        }
      }
    }
  }

  const includes: JsonObject = {};
  if (users.size > 0) includes.users = [...users.values()].map((u) => renderUser(u, userFields));
  if (included.size > 0) includes.tweets = [...included.values()].map((t) => renderTweet(t, tweetFields));
  if (places.size > 0) includes.places = [...places.values()].map((p) => renderPlace(p, placeFields));

  const rendered: RenderedTweets = { data: tweets.map((t) => renderTweet(t, tweetFields)) };
  if (Object.keys(includes).length > 0) rendered.includes = includes;
  if (errors.length > 0) rendered.errors = errors;
  return rendered;
}
