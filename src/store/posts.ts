import type { AuthorRecord, Platform, PostRecord, PostRemoval } from '../domain/post.js';
import type { Queryable } from './db.js';
import { jsonArrayChunks } from '../runtime/json-bytes.js';
import { toPgJson } from './json.js';

// Authors and posts are written set-based: one statement per table per batch, rows passed as one
// JSON parameter (the cheapest encoding on the client; see PERFORMANCE.md). Posts arrive as jsonb:
// PostgreSQL then parses the batch, raw payloads included, once instead of three times.
// Rows are sorted by key so that two overlapping batches in flight lock rows in the same order
// and cannot deadlock.

const byKey = <T extends { platform: Platform; externalId: string }>(a: T, b: T) =>
  a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;

const recordKey = (platform: Platform, externalId: string) => `${platform}\u0000${externalId}`;

/** Keeps the last occurrence of each key: ON CONFLICT cannot touch one row twice in a statement. */
function lastPerKey<T extends { platform: Platform; externalId: string }>(items: readonly T[]): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(recordKey(item.platform, item.externalId), item);
  return [...map.values()].sort(byKey);
}

// Returns every batch author's location as stored afterwards (the new row where the statement wrote
// one, else the row as it was: sibling CTEs see the table from before the statement), which the
// attribution of new posts needs and would otherwise read back.
const UPSERT_AUTHORS = `
  WITH batch AS MATERIALIZED (
    SELECT * FROM json_to_recordset($1::json) AS r(platform text, external_id text, handle text, name text, url text, location text,
                                                  followers_count integer, verified boolean, profile jsonb)
  ),
  written AS (
    INSERT INTO authors AS a (platform, external_id, handle, name, url, location, followers_count, verified, profile)
    SELECT platform, external_id, handle, name, url, location, followers_count, verified, profile
    FROM batch
    ORDER BY platform, external_id
    ON CONFLICT (platform, external_id) DO UPDATE SET
      handle = COALESCE(EXCLUDED.handle, a.handle),
      name = COALESCE(EXCLUDED.name, a.name),
      url = COALESCE(EXCLUDED.url, a.url),
      location = COALESCE(EXCLUDED.location, a.location),
      followers_count = COALESCE(EXCLUDED.followers_count, a.followers_count),
      verified = COALESCE(EXCLUDED.verified, a.verified),
      profile = COALESCE(EXCLUDED.profile, a.profile),
      updated_at = now()
    WHERE (a.handle, a.name, a.url, a.location, a.followers_count, a.verified, a.profile)
          IS DISTINCT FROM (COALESCE(EXCLUDED.handle, a.handle), COALESCE(EXCLUDED.name, a.name), COALESCE(EXCLUDED.url, a.url),
                            COALESCE(EXCLUDED.location, a.location), COALESCE(EXCLUDED.followers_count, a.followers_count),
                            COALESCE(EXCLUDED.verified, a.verified), COALESCE(EXCLUDED.profile, a.profile))
    RETURNING a.platform, a.external_id, a.location
  )
  SELECT platform, external_id, location FROM written
  UNION ALL
  SELECT a.platform, a.external_id, a.location
  FROM batch b JOIN authors a USING (platform, external_id)
  WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.platform = b.platform AND w.external_id = b.external_id)`;

/** Authors as stored after an upsert: the profile location of each, by platform and external id. */
export class StoredAuthorLocations {
  constructor(private readonly byKey: ReadonlyMap<string, string | null>) {}

  /** The author's stored location (null when none); undefined when the author was not in the batch. */
  locationOf(platform: Platform, externalId: string | null | undefined): string | null | undefined {
    return externalId == null ? undefined : this.byKey.get(recordKey(platform, externalId));
  }
}

/** An author as one statement sent it, with the location stored afterwards. */
interface WrittenAuthor {
  row: string;
  location: string | null;
}

/**
 * The authors one pass has written, each as the row it sent and the location stored afterwards. A
 * page repeats most of its authors (people post under a hashtag many times), and sending an
 * unchanged author again only makes PostgreSQL lock and compare a row it will not rewrite. Entries
 * are added once the transaction that wrote them has committed, so a rolled-back batch is never
 * taken as stored. Another process may have changed an author since: then that newer profile
 * stays, as it would if this pass had fetched the author a moment earlier.
 */
export class AuthorsWrittenThisPass {
  /** Enough for any campaign's conversation; past it the pass simply sends every author again. */
  static readonly LIMIT = 200_000;
  readonly #byKey = new Map<string, WrittenAuthor>();

  /** The stored location when this exact row was written before; undefined when it must be sent. */
  locationIfWritten(key: string, row: string): { location: string | null } | undefined {
    const known = this.#byKey.get(key);
    return known !== undefined && known.row === row ? known : undefined;
  }

  /** Records rows whose transaction has committed. */
  remember(written: ReadonlyMap<string, WrittenAuthor>): void {
    if (this.#byKey.size + written.size > AuthorsWrittenThisPass.LIMIT) this.#byKey.clear();
    for (const [key, entry] of written) this.#byKey.set(key, entry);
  }
}

/** Authors stored by one statement; `written` is what to remember once the transaction commits. */
export interface UpsertAuthorsResult {
  locations: StoredAuthorLocations;
  written: ReadonlyMap<string, WrittenAuthor>;
}

/**
 * Inserts or updates authors (set-based; unchanged rows are not rewritten); returns their stored
 * locations. Authors this pass already wrote exactly so are not sent again.
 */
export async function upsertAuthors(db: Queryable, authors: readonly AuthorRecord[], writtenThisPass?: AuthorsWrittenThisPass): Promise<UpsertAuthorsResult> {
  const locations = new Map<string, string | null>();
  // Rows to send, by key.
  const toSend = new Map<string, string>();
  for (const a of lastPerKey(authors)) {
    const key = recordKey(a.platform, a.externalId);
    const row = authorRowJson(a);
    const known = writtenThisPass?.locationIfWritten(key, row);
    if (known !== undefined) locations.set(key, known.location);
    else toSend.set(key, row);
  }
  const written = new Map<string, WrittenAuthor>();
  if (toSend.size > 0) {
    const result = await db.query<{ platform: Platform; external_id: string; location: string | null }>(UPSERT_AUTHORS, [`[${[...toSend.values()].join(',')}]`]);
    for (const row of result.rows) {
      const key = recordKey(row.platform, row.external_id);
      locations.set(key, row.location);
      written.set(key, { row: toSend.get(key)!, location: row.location });
    }
  }
  return { locations: new StoredAuthorLocations(locations), written };
}

/** A PostgreSQL text[] literal: every element quoted, so any text survives. */
const textArrayLiteral = (values: readonly string[]) => `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

type ColumnType = 'text' | 'timestamptz' | 'integer' | 'bigint' | 'jsonb' | 'text[]';

/**
 * The columns a post is sent with, in order. Each post travels as a JSON array of these values
 * rather than an object: PostgreSQL then parses no key names and sorts no keys, which is about a
 * quarter of what parsing the batch cost (docs/PERFORMANCE.md). The SQL reading the arrays is
 * generated from this same list, so the two cannot drift apart.
 */
const POST_COLUMNS: ReadonlyArray<readonly [name: string, type: ColumnType, value: (post: PostRecord) => unknown]> = [
  ['platform', 'text', (post) => post.platform],
  ['external_id', 'text', (post) => post.externalId],
  ['kind', 'text', (post) => post.kind],
  ['author_external_id', 'text', (post) => post.authorExternalId ?? null],
  ['created_at', 'timestamptz', (post) => post.createdAt.toISOString()],
  ['url', 'text', (post) => post.url ?? null],
  ['text', 'text', (post) => post.text ?? null],
  ['html', 'text', (post) => post.html ?? null],
  ['lang', 'text', (post) => post.lang ?? null],
  ['conversation_id', 'text', (post) => post.conversationId ?? null],
  ['parent_external_id', 'text', (post) => post.parentExternalId ?? null],
  ['referenced', 'jsonb', (post) => (post.referenced && post.referenced.length > 0 ? post.referenced : null)],
  ['edit_history_ids', 'text[]', (post) => (post.editHistoryIds && post.editHistoryIds.length > 0 ? textArrayLiteral(post.editHistoryIds) : null)],
  ['place', 'jsonb', (post) => post.place ?? null],
  ['context', 'jsonb', (post) => post.context ?? null],
  ['like_count', 'integer', (post) => post.metrics.likes],
  ['repost_count', 'integer', (post) => post.metrics.reposts],
  ['reply_count', 'integer', (post) => post.metrics.replies],
  ['quote_count', 'integer', (post) => post.metrics.quotes],
  ['impression_count', 'bigint', (post) => post.metrics.impressions ?? null],
  ['raw', 'jsonb', (post) => post.raw ?? null],
  // Not a column of posts: how the source relates to the post, for its provenance row.
  ['relation', 'text', (post) => post.relation ?? 'match'],
];

// `->` gives JSON null as a jsonb 'null', which must be stored as SQL NULL; `->>` already gives NULL.
const columnFromArray = ([name, type]: (typeof POST_COLUMNS)[number], index: number) =>
  type === 'jsonb' ? `NULLIF(e->${index}, 'null') AS ${name}` : type === 'text' ? `e->>${index} AS ${name}` : `(e->>${index})::${type} AS ${name}`;
const POSTS_FROM_ARRAYS = `(SELECT ${POST_COLUMNS.map(columnFromArray).join(', ')} FROM jsonb_array_elements($1::jsonb) AS e)`;
const position = (name: string) => POST_COLUMNS.findIndex(([column]) => column === name);
// Only the keys and relation, for provenance: reading every column again would copy each payload.
const KEYS_FROM_ARRAYS = `(SELECT e->>${position('platform')} AS platform, e->>${position('external_id')} AS external_id, e->>${position('relation')} AS relation
                           FROM jsonb_array_elements($1::jsonb) AS e)`;

/** One post as the array of values the posts statement reads. */
const postRow = (post: PostRecord) => POST_COLUMNS.map(([, , value]) => value(post));

// Rows serialised ahead of the store step, by record. A pass serialises each page as it arrives,
// while PostgreSQL is still storing the batch before it, so the store step itself only joins
// bytes. Only records handed to `serialiseRowsAhead` are kept: those come straight from a
// collector and are never changed afterwards, so a row here is always the record's row.
const postRowsAhead = new WeakMap<PostRecord, Buffer>();
const authorRowsAhead = new WeakMap<AuthorRecord, string>();

// Rows are kept as UTF-8 bytes and the batch goes to PostgreSQL as a binary jsonb parameter (a
// version byte, then the JSON text): the batch never exists as one string the size of the batch,
// which V8 would flatten, encode and keep in its large-object space until a full collection.
const postRowBytes = (post: PostRecord) => postRowsAhead.get(post) ?? Buffer.from(toPgJson(postRow(post)));
const JSONB_BINARY_VERSION = Buffer.from([1]);

/** JSON array elements as a jsonb parameter in PostgreSQL's binary format. */
const binaryJsonbArray = (elements: readonly Buffer[]) => Buffer.concat([JSONB_BINARY_VERSION, ...jsonArrayChunks(elements)]);

function authorRowJson(author: AuthorRecord): string {
  return (
    authorRowsAhead.get(author) ??
    toPgJson({
      platform: author.platform,
      external_id: author.externalId,
      handle: author.handle ?? null,
      name: author.name ?? null,
      url: author.url ?? null,
      location: author.location ?? null,
      followers_count: author.followersCount ?? null,
      verified: author.verified ?? null,
      profile: author.profile ?? null,
    })
  );
}

/** Serialises a page's rows now, for a store step to come; the records must not change afterwards. */
export function serialiseRowsAhead(posts: readonly PostRecord[], authors: readonly AuthorRecord[]): void {
  for (const post of posts) if (!postRowsAhead.has(post)) postRowsAhead.set(post, postRowBytes(post));
  for (const author of authors) if (!authorRowsAhead.has(author)) authorRowsAhead.set(author, authorRowJson(author));
}

// One statement per batch writes the posts, a snapshot of every new or changed post's engagement,
// and the provenance of every post in the batch (one round trip instead of three; see PERFORMANCE.md).
// A tombstoned post (deleted on the platform) is never brought back by a later batch.
// Unchanged rows are not rewritten (no WAL, no RETURNING row): only inserts and real changes come back.
// Sibling CTEs see the table as it was before the statement, so provenance takes new and changed
// posts from `written` and unchanged ones from `posts`.
const UPSERT_POSTS = `
  WITH written AS (
    INSERT INTO posts AS p (platform, external_id, kind, author_id, created_at, url, text, html, lang, conversation_id,
                            parent_external_id, referenced, edit_history_ids, place, context,
                            like_count, repost_count, reply_count, quote_count, impression_count, metrics_at, raw)
    SELECT r.platform, r.external_id, r.kind,
           -- the authors were upserted just before, in the same transaction; one index probe per row
           -- (a join would let the planner hash the whole authors table on every page)
           (SELECT a.id FROM authors a WHERE a.platform = r.platform AND a.external_id = r.author_external_id),
           r.created_at, r.url, r.text, r.html, r.lang, r.conversation_id,
           r.parent_external_id, r.referenced, r.edit_history_ids, r.place, r.context,
           r.like_count, r.repost_count, r.reply_count, r.quote_count, r.impression_count, now(), r.raw
    FROM ${POSTS_FROM_ARRAYS} AS r
    ORDER BY r.platform, r.external_id
    ON CONFLICT (platform, external_id) DO UPDATE SET
      kind = EXCLUDED.kind,
      author_id = COALESCE(EXCLUDED.author_id, p.author_id),
      created_at = EXCLUDED.created_at,
      url = COALESCE(EXCLUDED.url, p.url),
      text = EXCLUDED.text,
      html = EXCLUDED.html,
      lang = EXCLUDED.lang,
      conversation_id = EXCLUDED.conversation_id,
      parent_external_id = EXCLUDED.parent_external_id,
      referenced = EXCLUDED.referenced,
      edit_history_ids = EXCLUDED.edit_history_ids,
      place = COALESCE(EXCLUDED.place, p.place),
      context = COALESCE(EXCLUDED.context, p.context),
      like_count = EXCLUDED.like_count,
      repost_count = EXCLUDED.repost_count,
      reply_count = EXCLUDED.reply_count,
      quote_count = EXCLUDED.quote_count,
      impression_count = COALESCE(EXCLUDED.impression_count, p.impression_count),
      metrics_at = now(),
      raw = EXCLUDED.raw,
      updated_at = now()
    WHERE p.deleted_at IS NULL
      AND (p.kind, p.created_at, p.text, p.html, p.lang, p.parent_external_id, p.referenced, p.edit_history_ids,
           p.like_count, p.repost_count, p.reply_count, p.quote_count, p.author_id, p.url, p.place, p.context, p.impression_count)
          IS DISTINCT FROM
          (EXCLUDED.kind, EXCLUDED.created_at, EXCLUDED.text, EXCLUDED.html, EXCLUDED.lang, EXCLUDED.parent_external_id,
           EXCLUDED.referenced, EXCLUDED.edit_history_ids, EXCLUDED.like_count, EXCLUDED.repost_count, EXCLUDED.reply_count,
           EXCLUDED.quote_count, COALESCE(EXCLUDED.author_id, p.author_id), COALESCE(EXCLUDED.url, p.url),
           COALESCE(EXCLUDED.place, p.place), COALESCE(EXCLUDED.context, p.context), COALESCE(EXCLUDED.impression_count, p.impression_count))
    RETURNING p.id, p.platform, p.external_id, p.created_at, (p.xmax = 0) AS inserted,
              p.like_count, p.repost_count, p.reply_count, p.quote_count, p.impression_count
  ),
  snapshots AS (
    INSERT INTO engagement_snapshots (post_id, captured_at, like_count, repost_count, reply_count, quote_count, impression_count)
    SELECT id, now(), like_count, repost_count, reply_count, quote_count, impression_count FROM written
    ON CONFLICT (post_id, captured_at) DO NOTHING
  ),
  batch_keys AS (
    SELECT platform, external_id, relation FROM ${KEYS_FROM_ARRAYS} AS k
  ),
  batch_posts AS (
    SELECT DISTINCT ON (id) id, created_at, relation FROM (
      SELECT w.id, w.created_at, k.relation, 0 AS preference FROM written w JOIN batch_keys k USING (platform, external_id)
      UNION ALL
      SELECT p.id, p.created_at, k.relation, 1 FROM posts p JOIN batch_keys k USING (platform, external_id)
    ) candidates
    ORDER BY id, preference
  ),
  provenance AS (
    INSERT INTO post_sources AS ps (post_id, source_id, campaign_id, post_created_at, relation, first_run_id)
    SELECT id, $2, $3, created_at, relation, $4 FROM batch_posts ORDER BY id
    ON CONFLICT (source_id, post_id) DO UPDATE SET relation = 'match', post_created_at = EXCLUDED.post_created_at
    WHERE ps.relation = 'reference' AND EXCLUDED.relation = 'match'
    RETURNING ps.post_id
  )
  SELECT id, platform, external_id, inserted, true AS written FROM written
  UNION ALL
  SELECT post_id, NULL, NULL, false, false FROM provenance`;

export interface StoreBatchResult {
  /** Posts stored for the first time. */
  inserted: number;
  /** Posts already stored whose content or engagement changed. */
  updated: number;
  /** Posts already stored and unchanged, or tombstoned (never revived). */
  unchanged: number;
  /** Internal ids of the inserted and updated posts. */
  changedPostIds: number[];
  /**
   * Internal ids of the posts whose content changed or that this batch newly counts as the campaign's
   * conversation (first reached through this source, or promoted from a mere reference): the posts
   * whose locality attribution must be (re)computed.
   */
  attributablePostIds: number[];
  /** The posts stored for the first time, with the record each was made from. */
  newPosts: Array<{ id: number; record: PostRecord }>;
  /** The authors this statement wrote, for `AuthorsWrittenThisPass.remember` once the transaction commits. */
  authorsWritten: UpsertAuthorsResult['written'];
}

export interface UpsertPostsHooks {
  /**
   * CPU work to do while PostgreSQL writes the posts (after the authors are stored): the store
   * step attributes new posts here instead of leaving the database idle while it does.
   */
  whileWritingPosts?: (authors: StoredAuthorLocations) => Promise<void>;
}

export interface UpsertPostsOptions {
  /** The provenance recorded for each post. */
  sourceId: number;
  campaignId: number;
  runId?: number | null;
  /** The authors the pass has written already, which need not be sent again. */
  authorsWrittenThisPass?: AuthorsWrittenThisPass;
}

/** Writes authors, posts, provenance and an engagement snapshot for every new or changed post. */
export async function upsertPosts(
  db: Queryable,
  posts: readonly PostRecord[],
  authors: readonly AuthorRecord[],
  options: UpsertPostsOptions,
  hooks: UpsertPostsHooks = {},
): Promise<StoreBatchResult> {
  const unique = lastPerKey(posts);
  if (unique.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedPostIds: [], attributablePostIds: [], newPosts: [], authorsWritten: new Map() };

  // The authors statement is sent first; the posts' parameters are built while it runs.
  const authorsStored = upsertAuthors(db, authors, options.authorsWrittenThisPass);
  const rows = binaryJsonbArray(unique.map(postRowBytes));

  const parameters = [rows, options.sourceId, options.campaignId, options.runId ?? null];
  const { locations: authorLocations, written: authorsWritten } = await authorsStored;
  const [result] = await Promise.all([
    db.query<{ id: number; platform: Platform | null; external_id: string | null; inserted: boolean; written: boolean }>(UPSERT_POSTS, parameters),
    hooks.whileWritingPosts?.(authorLocations),
  ]);
  const written = result.rows.filter((row) => row.written);
  const changedPostIds = written.map((row) => row.id);
  const inserted = written.filter((row) => row.inserted).length;
  const attributablePostIds = [...new Set(result.rows.map((row) => row.id))];
  const recordsByKey = new Map(unique.map((post) => [recordKey(post.platform, post.externalId), post]));
  const newPosts = written.filter((row) => row.inserted).map((row) => ({ id: row.id, record: recordsByKey.get(recordKey(row.platform!, row.external_id!))! }));

  return { inserted, updated: changedPostIds.length - inserted, unchanged: unique.length - changedPostIds.length, changedPostIds, attributablePostIds, newPosts, authorsWritten };
}

// A tombstone keeps ids, times and the reason only: text, HTML, URL, place, context, author link and
// raw payload are purged, as X's Developer Policy requires of deleted posts (and as commenters expect
// of removed comments). Attributions go too, because they quote the text they matched.
// Rows are locked in key order, like the upserts, so a purge and an upsert batch cannot deadlock.
const TOMBSTONE_POSTS = `
  WITH target AS (
    SELECT p.id, r.reason
    FROM posts p JOIN json_to_recordset($1::json) AS r(platform text, external_id text, reason text)
      ON p.platform = r.platform AND p.external_id = r.external_id
    WHERE p.deleted_at IS NULL
    ORDER BY p.platform, p.external_id
    FOR UPDATE OF p
  )
  UPDATE posts p SET text = NULL, html = NULL, url = NULL, place = NULL, context = NULL, author_id = NULL, lang = NULL,
                     raw = NULL, deleted_at = now(), deleted_reason = target.reason, updated_at = now()
  FROM target WHERE p.id = target.id
  RETURNING p.id`;

/** Purges posts to tombstones; returns the internal ids of the posts purged now (already purged ones are left alone). */
export async function tombstonePosts(db: Queryable, removals: readonly PostRemoval[]): Promise<number[]> {
  const rows = lastPerKey(removals).map((r) => ({ platform: r.platform, external_id: r.externalId, reason: r.reason }));
  if (rows.length === 0) return [];
  const { rows: purged } = await db.query<{ id: number }>(TOMBSTONE_POSTS, [toPgJson(rows)]);
  const ids = purged.map((row) => row.id);
  if (ids.length > 0) await db.query('DELETE FROM locality_attributions WHERE post_id = ANY($1::bigint[])', [ids]);
  return ids;
}
