import type { AuthorRecord, Platform, PostRecord, PostRemoval } from '../domain/post.js';
import type { Queryable } from './db.js';
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

/** Inserts or updates authors (set-based; unchanged rows are not rewritten); returns their stored locations. */
export async function upsertAuthors(db: Queryable, authors: readonly AuthorRecord[]): Promise<StoredAuthorLocations> {
  const rows = lastPerKey(authors).map((a) => ({
    platform: a.platform,
    external_id: a.externalId,
    handle: a.handle ?? null,
    name: a.name ?? null,
    url: a.url ?? null,
    location: a.location ?? null,
    followers_count: a.followersCount ?? null,
    verified: a.verified ?? null,
    profile: a.profile ?? null,
  }));
  if (rows.length === 0) return new StoredAuthorLocations(new Map());
  const result = await db.query<{ platform: Platform; external_id: string; location: string | null }>(UPSERT_AUTHORS, [toPgJson(rows)]);
  return new StoredAuthorLocations(new Map(result.rows.map((row) => [recordKey(row.platform, row.external_id), row.location])));
}

const POST_COLUMNS = `platform text, external_id text, kind text, author_external_id text, created_at timestamptz, url text, text text, html text,
  lang text, conversation_id text, parent_external_id text, referenced jsonb, edit_history_ids text[], place jsonb, context jsonb,
  like_count integer, repost_count integer, reply_count integer, quote_count integer, impression_count bigint, raw jsonb`;

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
    FROM jsonb_to_recordset($1::jsonb) AS r(${POST_COLUMNS})
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
    SELECT platform, external_id, relation FROM json_to_recordset($2::json) AS k(platform text, external_id text, relation text)
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
    SELECT id, $3, $4, created_at, relation, $5 FROM batch_posts ORDER BY id
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
  if (unique.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedPostIds: [], attributablePostIds: [], newPosts: [] };

  // The authors statement is sent first; the posts' parameters are built while it runs.
  const authorsStored = upsertAuthors(db, authors);
  const rows = unique.map((post) => ({
    platform: post.platform,
    external_id: post.externalId,
    kind: post.kind,
    author_external_id: post.authorExternalId ?? null,
    created_at: post.createdAt.toISOString(),
    url: post.url ?? null,
    text: post.text ?? null,
    html: post.html ?? null,
    lang: post.lang ?? null,
    conversation_id: post.conversationId ?? null,
    parent_external_id: post.parentExternalId ?? null,
    referenced: post.referenced && post.referenced.length > 0 ? post.referenced : null,
    edit_history_ids: post.editHistoryIds && post.editHistoryIds.length > 0 ? post.editHistoryIds : null,
    place: post.place ?? null,
    context: post.context ?? null,
    like_count: post.metrics.likes,
    repost_count: post.metrics.reposts,
    reply_count: post.metrics.replies,
    quote_count: post.metrics.quotes,
    impression_count: post.metrics.impressions ?? null,
    raw: post.raw ?? null,
  }));

  const provenance = unique.map((post) => ({ platform: post.platform, external_id: post.externalId, relation: post.relation ?? 'match' }));
  const parameters = [toPgJson(rows), toPgJson(provenance), options.sourceId, options.campaignId, options.runId ?? null];
  const authorLocations = await authorsStored;
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

  return { inserted, updated: changedPostIds.length - inserted, unchanged: unique.length - changedPostIds.length, changedPostIds, attributablePostIds, newPosts };
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
