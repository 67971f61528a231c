import type { AuthorRecord, Platform, PostRecord } from '../domain/post.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { toPgJson } from './json.js';
import { saveSourceCursor, type SourceCursor } from './sources.js';

// Authors and posts are written set-based: one statement per table per batch, rows passed as one
// JSON parameter (json_to_recordset is the cheapest encoding on the client; see PERFORMANCE.md).
// Rows are sorted by key so that two overlapping batches in flight lock rows in the same order
// and cannot deadlock.

const byKey = <T extends { platform: Platform; externalId: string }>(a: T, b: T) =>
  a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;

/** Keeps the last occurrence of each key: ON CONFLICT cannot touch one row twice in a statement. */
function lastPerKey<T extends { platform: Platform; externalId: string }>(items: readonly T[]): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(`${item.platform}\u0000${item.externalId}`, item);
  return [...map.values()].sort(byKey);
}

const UPSERT_AUTHORS = `
  INSERT INTO authors AS a (platform, external_id, handle, name, url, location, followers_count, verified, profile)
  SELECT platform, external_id, handle, name, url, location, followers_count, verified, profile
  FROM json_to_recordset($1::json) AS r(platform text, external_id text, handle text, name text, url text, location text,
                                        followers_count integer, verified boolean, profile jsonb)
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
                          COALESCE(EXCLUDED.verified, a.verified), COALESCE(EXCLUDED.profile, a.profile))`;

const AUTHOR_IDS = `
  SELECT a.id, a.platform, a.external_id
  FROM authors a JOIN json_to_recordset($1::json) AS r(platform text, external_id text)
    ON a.platform = r.platform AND a.external_id = r.external_id`;

/** Inserts or updates authors; returns their ids by `${platform}:${externalId}`. */
export async function upsertAuthors(db: Queryable, authors: readonly AuthorRecord[]): Promise<Map<string, number>> {
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
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  await db.query(UPSERT_AUTHORS, [toPgJson(rows)]);
  const keys = rows.map(({ platform, external_id }) => ({ platform, external_id }));
  const result = await db.query<{ id: number; platform: string; external_id: string }>(AUTHOR_IDS, [toPgJson(keys)]);
  for (const row of result.rows) ids.set(`${row.platform}:${row.external_id}`, row.id);
  return ids;
}

const POST_COLUMNS = `platform text, external_id text, kind text, author_id bigint, created_at timestamptz, url text, text text, html text,
  lang text, conversation_id text, parent_external_id text, referenced jsonb, edit_history_ids text[], place jsonb, context jsonb,
  like_count integer, repost_count integer, reply_count integer, quote_count integer, impression_count bigint, raw jsonb`;

// A tombstoned post (deleted on the platform) is never brought back by a later batch.
// Unchanged rows are not rewritten (no WAL, no RETURNING row): only inserts and real changes come back.
const UPSERT_POSTS = `
  INSERT INTO posts AS p (platform, external_id, kind, author_id, created_at, url, text, html, lang, conversation_id,
                          parent_external_id, referenced, edit_history_ids, place, context,
                          like_count, repost_count, reply_count, quote_count, impression_count, metrics_at, raw)
  SELECT platform, external_id, kind, author_id, created_at, url, text, html, lang, conversation_id,
         parent_external_id, referenced, edit_history_ids, place, context,
         like_count, repost_count, reply_count, quote_count, impression_count, now(), raw
  FROM json_to_recordset($1::json) AS r(${POST_COLUMNS})
  ORDER BY platform, external_id
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
  RETURNING p.id, (p.xmax = 0) AS inserted`;

const RECORD_SNAPSHOTS = `
  INSERT INTO engagement_snapshots (post_id, captured_at, like_count, repost_count, reply_count, quote_count, impression_count)
  SELECT p.id, now(), p.like_count, p.repost_count, p.reply_count, p.quote_count, p.impression_count
  FROM posts p WHERE p.id = ANY($1::bigint[])
  ON CONFLICT (post_id, captured_at) DO NOTHING`;

const RECORD_PROVENANCE = `
  INSERT INTO post_sources AS ps (post_id, source_id, campaign_id, post_created_at, relation, first_run_id)
  SELECT p.id, $2, $3, p.created_at, r.relation, $4
  FROM json_to_recordset($1::json) AS r(platform text, external_id text, relation text)
  JOIN posts p ON p.platform = r.platform AND p.external_id = r.external_id
  ORDER BY p.id
  ON CONFLICT (source_id, post_id) DO UPDATE SET relation = 'match', post_created_at = EXCLUDED.post_created_at
  WHERE ps.relation = 'reference' AND EXCLUDED.relation = 'match'`;

export interface StoreBatchResult {
  /** Posts stored for the first time. */
  inserted: number;
  /** Posts already stored whose content or engagement changed. */
  updated: number;
  /** Posts already stored and unchanged, or tombstoned (never revived). */
  unchanged: number;
  /** Internal ids of the inserted and updated posts. */
  changedPostIds: number[];
}

export interface UpsertPostsOptions {
  /** The provenance recorded for each post. */
  sourceId: number;
  campaignId: number;
  runId?: number | null;
}

/** Writes authors, posts, provenance and an engagement snapshot for every new or changed post. */
export async function upsertPosts(db: Queryable, posts: readonly PostRecord[], authors: readonly AuthorRecord[], options: UpsertPostsOptions): Promise<StoreBatchResult> {
  const unique = lastPerKey(posts);
  if (unique.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedPostIds: [] };

  const authorIds = await upsertAuthors(db, authors);
  const rows = unique.map((post) => ({
    platform: post.platform,
    external_id: post.externalId,
    kind: post.kind,
    author_id: post.authorExternalId ? (authorIds.get(`${post.platform}:${post.authorExternalId}`) ?? null) : null,
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

  const written = await db.query<{ id: number; inserted: boolean }>(UPSERT_POSTS, [toPgJson(rows)]);
  const changedPostIds = written.rows.map((row) => row.id);
  const inserted = written.rows.filter((row) => row.inserted).length;
  if (changedPostIds.length > 0) await db.query(RECORD_SNAPSHOTS, [changedPostIds]);

  const provenance = unique.map((post) => ({ platform: post.platform, external_id: post.externalId, relation: post.relation ?? 'match' }));
  await db.query(RECORD_PROVENANCE, [toPgJson(provenance), options.sourceId, options.campaignId, options.runId ?? null]);

  return { inserted, updated: changedPostIds.length - inserted, unchanged: unique.length - changedPostIds.length, changedPostIds };
}

export interface IngestBatch extends UpsertPostsOptions {
  posts: readonly PostRecord[];
  authors: readonly AuthorRecord[];
  /** The source's cursor after this batch; written in the same transaction as the rows it covers. */
  cursor?: SourceCursor;
}

/** One page of a pass, stored atomically: rows and the cursor that covers them commit together or not at all. */
export async function storeBatch(pool: Pool, batch: IngestBatch): Promise<StoreBatchResult> {
  return withTransaction(pool, async (tx) => {
    const result = await upsertPosts(tx, batch.posts, batch.authors, batch);
    if (batch.cursor !== undefined) await saveSourceCursor(tx, batch.sourceId, batch.cursor);
    return result;
  });
}
