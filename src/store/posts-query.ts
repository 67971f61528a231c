import type { Platform, PostKind } from '../domain/post.js';
import type { Queryable } from './db.js';

// The posts list behind the dashboard and the API: a campaign's posts (those its sources matched,
// not ones stored only as context), newest first, filtered, paged by keyset on (created_at, id) so
// a page costs the same however deep it is. Tombstoned posts keep their ids and times only.

/** A post's place in the order; the next page starts strictly after it. */
export interface PostPosition {
  /** created_at in microseconds since the epoch: PostgreSQL keeps microseconds, a JS Date only milliseconds. */
  createdAtUs: number;
  id: number;
}

export interface PostFilter {
  campaignId: number;
  since?: Date | undefined;
  until?: Date | undefined;
  /** A locality's id, or posts with no locality at all. */
  locality?: { id: number } | 'unattributed' | undefined;
  platform?: Platform | undefined;
  sourceId?: number | undefined;
  kind?: PostKind | undefined;
  /** Case-insensitive substring of the text; LIKE wildcards in it match themselves. */
  text?: string | undefined;
  after?: PostPosition | undefined;
  limit: number;
}

export interface PostListItem {
  id: number;
  platform: Platform;
  externalId: string;
  kind: PostKind;
  createdAt: Date;
  url: string | null;
  text: string | null;
  lang: string | null;
  author: { handle: string | null; name: string | null } | null;
  deleted: boolean;
  deletedAt: Date | null;
  parentExternalId: string | null;
  conversationId: string | null;
  metrics: { likes: number; reposts: number; replies: number; quotes: number; impressions: number | null };
  /** Slugs of the localities the post is attributed to in this campaign. */
  localities: string[];
  /** True when staff set the localities by hand. */
  localityOverride: boolean;
  /** Slugs of this campaign's sources that matched it. */
  sources: string[];
}

interface PostDbRow {
  id: number;
  platform: Platform;
  external_id: string;
  kind: PostKind;
  created_at: Date;
  created_us: number;
  url: string | null;
  text: string | null;
  lang: string | null;
  handle: string | null;
  name: string | null;
  has_author: boolean;
  deleted_at: Date | null;
  parent_external_id: string | null;
  conversation_id: string | null;
  like_count: number;
  repost_count: number;
  reply_count: number;
  quote_count: number;
  impression_count: number | null;
  localities: string[];
  locality_override: boolean;
  sources: string[];
}

/** Escapes LIKE's wildcards and its escape character so user text matches literally. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export async function queryPosts(db: Queryable, filter: PostFilter): Promise<{ items: PostListItem[]; next: PostPosition | null }> {
  const values: unknown[] = [filter.campaignId];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const sourceCondition = filter.sourceId !== undefined ? `AND ps.source_id = ${param(filter.sourceId)}` : '';
  const conditions = [`EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match' ${sourceCondition})`];
  if (filter.since) conditions.push(`p.created_at >= ${param(filter.since)}`);
  if (filter.until) conditions.push(`p.created_at < ${param(filter.until)}`);
  if (filter.platform) conditions.push(`p.platform = ${param(filter.platform)}`);
  if (filter.kind) conditions.push(`p.kind = ${param(filter.kind)}`);
  // A tombstone's text is purged; the condition on deleted_at holds even before the purge reaches it.
  if (filter.text) conditions.push(`p.deleted_at IS NULL AND p.text ILIKE '%' || ${param(escapeLike(filter.text))} || '%'`);
  if (filter.locality === 'unattributed') {
    conditions.push(`NOT EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.campaign_id = $1)`);
  } else if (filter.locality) {
    conditions.push(`EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.locality_id = ${param(filter.locality.id)})`);
  }
  if (filter.after) {
    conditions.push(`(p.created_at, p.id) < (timestamptz 'epoch' + ${param(filter.after.createdAtUs)}::bigint * interval '1 microsecond', ${param(filter.after.id)}::bigint)`);
  }
  const limit = param(filter.limit + 1);

  const { rows } = await db.query<PostDbRow>(
    `SELECT p.id, p.platform, p.external_id, p.kind, p.created_at,
            (extract(epoch FROM p.created_at) * 1000000)::bigint AS created_us,
            CASE WHEN p.deleted_at IS NULL THEN p.url END AS url,
            CASE WHEN p.deleted_at IS NULL THEN p.text END AS text,
            p.lang, a.handle, a.name, (a.id IS NOT NULL AND p.deleted_at IS NULL) AS has_author, p.deleted_at,
            p.parent_external_id, p.conversation_id,
            p.like_count, p.repost_count, p.reply_count, p.quote_count, p.impression_count,
            ARRAY(SELECT l.slug FROM locality_attributions la JOIN localities l ON l.id = la.locality_id
                  WHERE la.post_id = p.id AND la.campaign_id = $1 ORDER BY l.slug) AS localities,
            EXISTS (SELECT 1 FROM attribution_overrides o WHERE o.post_id = p.id AND o.campaign_id = $1) AS locality_override,
            ARRAY(SELECT s.slug FROM post_sources ps JOIN sources s ON s.id = ps.source_id
                  WHERE ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match' ORDER BY s.slug) AS sources
     FROM posts p LEFT JOIN authors a ON a.id = p.author_id
     WHERE ${conditions.join('\n       AND ')}
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT ${limit}`,
    values,
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    next: rows.length > filter.limit && last ? { createdAtUs: last.created_us, id: last.id } : null,
  };
}

function toItem(row: PostDbRow): PostListItem {
  return {
    id: row.id,
    platform: row.platform,
    externalId: row.external_id,
    kind: row.kind,
    createdAt: row.created_at,
    url: row.url,
    text: row.text,
    lang: row.lang,
    author: row.has_author ? { handle: row.handle, name: row.name } : null,
    deleted: row.deleted_at !== null,
    deletedAt: row.deleted_at,
    parentExternalId: row.parent_external_id,
    conversationId: row.conversation_id,
    metrics: { likes: row.like_count, reposts: row.repost_count, replies: row.reply_count, quotes: row.quote_count, impressions: row.impression_count },
    localities: row.localities,
    localityOverride: row.locality_override,
    sources: row.sources,
  };
}

/** Whether a post came through one of the campaign's sources (as a match). */
export async function isCampaignPost(db: Queryable, campaignId: number, postId: number): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM post_sources WHERE post_id = $1 AND campaign_id = $2 AND relation = 'match' LIMIT 1`, [postId, campaignId]);
  return rows.length > 0;
}
