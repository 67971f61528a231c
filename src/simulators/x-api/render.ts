import { jsonArrayChunks } from '../../runtime/json-bytes.js';
import { extractEntities } from './entities.js';
import { tweetNotAuthorized, tweetNotFound, type InvalidParameter, type ProblemBody } from './problems.js';
import type { XEntities, XPlaceRecord, XTweetRecord, XUserRecord } from './types.js';

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

// Serving a post means rendering it, and a benchmark serves each post at least once while the
// pipeline it measures shares the machine. World records are never mutated (every change stores a
// new record), so anything derived from a record stays true while the record lives: it is worked
// out once and kept in a WeakMap, which lets it go with the record.

/** Entities found in a post's text, for posts stored without them (null: the text has none). */
const extractedEntities = new WeakMap<XTweetRecord, XEntities | null>();

function entitiesOf(tweet: XTweetRecord): XEntities | undefined {
  if (tweet.entities) return tweet.entities;
  let found = extractedEntities.get(tweet);
  if (found === undefined) {
    found = extractEntities(tweet.text) ?? null;
    extractedEntities.set(tweet, found);
  }
  return found ?? undefined;
}

// Wire forms share the records' nested objects rather than copy them: they are only ever
// serialised, never handed out, so nothing can reach a record through them.

function tweetWire(tweet: XTweetRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: tweet.id, text: tweet.text, edit_history_tweet_ids: tweet.edit_history_tweet_ids };
  if (fields.has('author_id')) out.author_id = tweet.author_id;
  if (fields.has('created_at')) out.created_at = tweet.created_at;
  if (fields.has('conversation_id')) out.conversation_id = tweet.conversation_id;
  if (fields.has('lang')) out.lang = tweet.lang;
  if (fields.has('public_metrics')) out.public_metrics = tweet.public_metrics;
  if (fields.has('in_reply_to_user_id') && tweet.in_reply_to_user_id) out.in_reply_to_user_id = tweet.in_reply_to_user_id;
  if (fields.has('referenced_tweets') && tweet.referenced_tweets?.length) {
    out.referenced_tweets = tweet.referenced_tweets.map((r) => ({ type: r.type, id: r.id }));
  }
  if (fields.has('geo') && tweet.geo) out.geo = { place_id: tweet.geo.place_id };
  if (fields.has('entities')) {
    const entities = entitiesOf(tweet);
    if (entities) out.entities = entities;
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

function userWire(user: XUserRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: user.id, name: user.name, username: user.username };
  if (fields.has('created_at')) out.created_at = user.created_at;
  if (fields.has('description')) out.description = user.description ?? '';
  if (fields.has('location') && user.location) out.location = user.location;
  if (fields.has('public_metrics')) out.public_metrics = user.public_metrics;
  if (fields.has('verified')) out.verified = user.verified;
  if (fields.has('protected')) out.protected = user.protected;
  return out;
}

function placeWire(place: XPlaceRecord, fields: ReadonlySet<string>): JsonObject {
  const out: JsonObject = { id: place.id, full_name: place.full_name };
  if (fields.has('name')) out.name = place.name;
  if (fields.has('country')) out.country = place.country;
  if (fields.has('country_code')) out.country_code = place.country_code;
  if (fields.has('place_type')) out.place_type = place.place_type;
  if (fields.has('geo')) out.geo = place.geo;
  return out;
}

/** Cache keys for a selection's field sets: the same fields in any order (or repeated) give the same key. */
interface SelectionKeys {
  tweet: string;
  user: string;
  place: string;
}

const selectionKeys = new WeakMap<FieldSelection, SelectionKeys>();

function keysOf(selection: FieldSelection): SelectionKeys {
  let keys = selectionKeys.get(selection);
  if (!keys) {
    const key = (fields: ReadonlySet<string>): string => [...fields].sort().join(',');
    keys = { tweet: key(selection.tweetFields), user: key(selection.userFields), place: key(selection.placeFields) };
    selectionKeys.set(selection, keys);
  }
  return keys;
}

/**
 * A record's wire form as UTF-8 JSON, by field-set key. Kept encoded because a page is ~100 posts
 * of which a few hold characters outside Latin-1: joined as strings, the whole body becomes a
 * two-byte string that must be flattened and encoded again on every request.
 */
type JsonCache<T extends object> = WeakMap<T, Map<string, Buffer>>;

function cachedJson<T extends object>(
  cache: JsonCache<T>,
  wire: (record: T, fields: ReadonlySet<string>) => JsonObject,
  record: T,
  fields: ReadonlySet<string>,
  key: string,
): Buffer {
  let byKey = cache.get(record);
  if (!byKey) {
    byKey = new Map();
    cache.set(record, byKey);
  }
  let json = byKey.get(key);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(wire(record, fields)), 'utf8');
    byKey.set(key, json);
  }
  return json;
}

const tweetJsonCache: JsonCache<XTweetRecord> = new WeakMap();
const userJsonCache: JsonCache<XUserRecord> = new WeakMap();
const placeJsonCache: JsonCache<XPlaceRecord> = new WeakMap();

/** The fake's world as rendering sees it. */
export interface RenderSource {
  tweet(id: string): XTweetRecord | undefined;
  /** Whether a caller may see a post: deleted and unknown are 'missing'. */
  visibility(id: string): 'visible' | 'missing' | 'protected';
  user(id: string): XUserRecord | undefined;
  userByUsername(username: string): XUserRecord | undefined;
  place(id: string): XPlaceRecord | undefined;
}

/** A page of posts as encoded JSON parts, for tweetsBody to assemble. */
export interface RenderedTweets {
  /** The items of the `data` array. */
  data: Buffer[];
  /** The items of each `includes` array; X leaves out an empty array, and `includes` if all are. */
  includes: { users: Buffer[]; tweets: Buffer[]; places: Buffer[] };
  /** Expansions that could not be filled. */
  errors: ProblemBody[];
}

export function renderTweets(tweets: readonly XTweetRecord[], selection: FieldSelection, source: RenderSource): RenderedTweets {
  const { expansions, tweetFields, userFields, placeFields } = selection;
  const keys = keysOf(selection);
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
      for (const mention of entitiesOf(tweet)?.mentions ?? []) {
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

  const tweetJson = (t: XTweetRecord): Buffer => cachedJson(tweetJsonCache, tweetWire, t, tweetFields, keys.tweet);
  return {
    data: tweets.map(tweetJson),
    includes: {
      users: [...users.values()].map((u) => cachedJson(userJsonCache, userWire, u, userFields, keys.user)),
      tweets: [...included.values()].map(tweetJson),
      places: [...places.values()].map((p) => cachedJson(placeJsonCache, placeWire, p, placeFields, keys.place)),
    },
    errors,
  };
}

/**
 * A search or lookup body, UTF-8 encoded, byte for byte what JSON.stringify would make of the
 * object with keys in X's order: data, includes (users, tweets, places), errors, meta. `errors` is
 * every partial error in order, left out when empty.
 */
export function tweetsBody(parts: { rendered: RenderedTweets; errors: readonly ProblemBody[]; meta?: JsonObject }): Buffer {
  const chunks: Buffer[] = [Buffer.from('{"data":')];
  chunks.push(...jsonArrayChunks(parts.rendered.data));
  const { users, tweets, places } = parts.rendered.includes;
  const lists = ([['users', users], ['tweets', tweets], ['places', places]] as const).filter(([, items]) => items.length > 0);
  if (lists.length > 0) {
    chunks.push(Buffer.from(',"includes":{'));
    lists.forEach(([name, items], index) => {
      chunks.push(Buffer.from(`${index > 0 ? ',' : ''}"${name}":`));
      chunks.push(...jsonArrayChunks(items));
    });
    chunks.push(Buffer.from('}'));
  }
  if (parts.errors.length > 0) chunks.push(Buffer.from(`,"errors":${JSON.stringify(parts.errors)}`));
  if (parts.meta) chunks.push(Buffer.from(`,"meta":${JSON.stringify(parts.meta)}`));
  chunks.push(Buffer.from('}'));
  return Buffer.concat(chunks);
}

/**
 * Renders every given record for a selection ahead of time, so serving them later only copies
 * cached bytes. Users and places are all rendered, whether or not a post expands to them: they are
 * few beside the posts.
 */
export function prerenderRecords(
  records: { tweets: Iterable<XTweetRecord>; users: Iterable<XUserRecord>; places: Iterable<XPlaceRecord> },
  selection: FieldSelection,
): void {
  const keys = keysOf(selection);
  for (const tweet of records.tweets) {
    // The mentions expansion reads entities even when the entities field is not asked for.
    entitiesOf(tweet);
    cachedJson(tweetJsonCache, tweetWire, tweet, selection.tweetFields, keys.tweet);
  }
  for (const user of records.users) cachedJson(userJsonCache, userWire, user, selection.userFields, keys.user);
  for (const place of records.places) cachedJson(placeJsonCache, placeWire, place, selection.placeFields, keys.place);
}
