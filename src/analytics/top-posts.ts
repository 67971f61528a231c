import { planLaunchWindow, type RankingRequest } from '../domain/launch/index.js';
import type { Platform, PostKind } from '../domain/post.js';
import type { Queryable } from '../store/db.js';
import { POST_ENGAGEMENT_SQL } from './counting-rules.js';
import { resolveSeriesRequest } from './launch-series.js';
import { campaignPostConditions, POST_LOCALITY_SLUGS_SQL } from './post-filter-sql.js';

export interface TopPost {
  id: number;
  platform: Platform;
  externalId: string;
  kind: PostKind;
  url: string | null;
  text: string | null;
  createdAt: string;
  author: { handle: string | null; name: string | null; followers: number | null } | null;
  metrics: { likes: number; reposts: number; replies: number; quotes: number };
  engagement: number;
  localities: string[];
}

interface TopPostRow {
  id: number;
  platform: Platform;
  external_id: string;
  kind: PostKind;
  url: string | null;
  text: string | null;
  created_at: Date;
  handle: string | null;
  name: string | null;
  followers_count: number | null;
  author_id: number | null;
  like_count: number;
  repost_count: number;
  reply_count: number;
  quote_count: number;
  engagement: number;
  localities: string[];
}

/** The window's posts with the most engagement (latest counts), ties broken by the earlier post. */
export async function topPosts(db: Queryable, request: RankingRequest): Promise<TopPost[]> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, request);
  const values: unknown[] = [campaign.id, window.from, window.to, request.limit];
  const conditions = campaignPostConditions(filters, values);
  const { rows } = await db.query<TopPostRow>(
    `SELECT p.id, p.platform, p.external_id, p.kind, p.url, p.text, p.created_at, p.author_id, a.handle, a.name, a.followers_count,
            p.like_count, p.repost_count, p.reply_count, p.quote_count, ${POST_ENGAGEMENT_SQL} AS engagement,
            ${POST_LOCALITY_SLUGS_SQL} AS localities
     FROM posts p LEFT JOIN authors a ON a.id = p.author_id
     WHERE p.created_at >= $2 AND p.created_at < $3 AND ${conditions.join(' AND ')}
     ORDER BY engagement DESC, p.created_at, p.id
     LIMIT $4`,
    values,
  );
  return rows.map((row) => ({
    id: row.id,
    platform: row.platform,
    externalId: row.external_id,
    kind: row.kind,
    url: row.url,
    text: row.text,
    createdAt: row.created_at.toISOString(),
    author: row.author_id === null ? null : { handle: row.handle, name: row.name, followers: row.followers_count },
    metrics: { likes: row.like_count, reposts: row.repost_count, replies: row.reply_count, quotes: row.quote_count },
    engagement: row.engagement,
    localities: row.localities,
  }));
}
