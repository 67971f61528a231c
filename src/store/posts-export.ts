import type { Queryable } from './db.js';

// The rows of `groundswell export posts`: a campaign's conversation (posts it matched, not the
// posts they merely quote), in id order, read in keyset batches so an export of millions of posts
// holds one batch in memory at a time.

export interface ExportRow {
  id: number;
  platform: 'x' | 'site';
  externalId: string;
  kind: string;
  url: string | null;
  createdAt: Date;
  authorHandle: string | null;
  authorName: string | null;
  text: string | null;
  localities: string[];
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  deleted: boolean;
}

const EXPORT_BATCH = `
  SELECT DISTINCT ON (p.id) p.id, p.platform, p.external_id, p.kind, p.url, p.created_at, a.handle, a.name, p.text,
         p.like_count, p.repost_count, p.reply_count, p.quote_count, (p.deleted_at IS NOT NULL) AS deleted,
         coalesce((SELECT array_agg(l.slug ORDER BY l.slug) FROM locality_attributions la JOIN localities l ON l.id = la.locality_id
                   WHERE la.post_id = p.id AND la.campaign_id = $1), '{}') AS localities
  FROM post_sources ps
  JOIN posts p ON p.id = ps.post_id
  LEFT JOIN authors a ON a.id = p.author_id
  WHERE ps.campaign_id = $1 AND ps.relation = 'match' AND ps.post_id > $2
  ORDER BY p.id
  LIMIT $3`;

export async function exportBatch(db: Queryable, campaignId: number, afterId: number, limit: number): Promise<ExportRow[]> {
  const { rows } = await db.query<{
    id: number; platform: 'x' | 'site'; external_id: string; kind: string; url: string | null; created_at: Date; handle: string | null; name: string | null;
    text: string | null; like_count: number; repost_count: number; reply_count: number; quote_count: number; deleted: boolean; localities: string[];
  }>(EXPORT_BATCH, [campaignId, afterId, limit]);
  return rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    externalId: r.external_id,
    kind: r.kind,
    url: r.url,
    createdAt: r.created_at,
    authorHandle: r.handle,
    authorName: r.name,
    text: r.text,
    localities: r.localities,
    likes: r.like_count,
    reposts: r.repost_count,
    replies: r.reply_count,
    quotes: r.quote_count,
    deleted: r.deleted,
  }));
}

export async function countExportPosts(db: Queryable, campaignId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT post_id)::int AS n FROM post_sources WHERE campaign_id = $1 AND relation = 'match'`, [campaignId]);
  return rows[0]?.n ?? 0;
}
