import { planLaunchWindow, type RankingRequest } from '../domain/launch/index.js';
import type { Platform } from '../domain/post.js';
import type { Queryable } from '../store/db.js';
import { POST_ENGAGEMENT_SQL } from './counting-rules.js';
import { resolveSeriesRequest } from './launch-series.js';
import { campaignPostConditions } from './post-filter-sql.js';

export interface Contributor {
  authorId: number;
  platform: Platform;
  handle: string | null;
  name: string | null;
  url: string | null;
  followers: number | null;
  posts: number;
  /** Engagement of their posts in the window (latest counts). */
  engagement: number;
}

export interface TopContributors {
  byPosts: Contributor[];
  byEngagement: Contributor[];
}

interface ContributorRow {
  author_id: number;
  platform: Platform;
  handle: string | null;
  name: string | null;
  url: string | null;
  followers_count: number | null;
  posts: number;
  engagement: number;
  by_posts: number;
  by_engagement: number;
}

/** The window's most active authors by number of posts, and by the engagement their posts drew. */
export async function topContributors(db: Queryable, request: RankingRequest): Promise<TopContributors> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, request);
  const values: unknown[] = [campaign.id, window.from, window.to, request.limit];
  const conditions = campaignPostConditions(filters, values);
  const { rows } = await db.query<ContributorRow>(
    `WITH totals AS (
       SELECT p.author_id, count(*)::bigint AS posts, sum(${POST_ENGAGEMENT_SQL})::bigint AS engagement
       FROM posts p
       WHERE p.author_id IS NOT NULL AND p.created_at >= $2 AND p.created_at < $3 AND ${conditions.join(' AND ')}
       GROUP BY p.author_id
     ),
     ranked AS (
       SELECT t.*, row_number() OVER (ORDER BY t.posts DESC, t.engagement DESC, t.author_id) AS by_posts,
                   row_number() OVER (ORDER BY t.engagement DESC, t.posts DESC, t.author_id) AS by_engagement
       FROM totals t
     )
     SELECT r.author_id, a.platform, a.handle, a.name, a.url, a.followers_count, r.posts, r.engagement, r.by_posts, r.by_engagement
     FROM ranked r JOIN authors a ON a.id = r.author_id
     WHERE r.by_posts <= $4 OR r.by_engagement <= $4`,
    values,
  );
  const contributor = (row: ContributorRow): Contributor => ({
    authorId: row.author_id,
    platform: row.platform,
    handle: row.handle,
    name: row.name,
    url: row.url,
    followers: row.followers_count,
    posts: row.posts,
    engagement: row.engagement,
  });
  const ranked = (rank: (row: ContributorRow) => number) =>
    rows
      .filter((row) => rank(row) <= request.limit)
      .sort((a, b) => rank(a) - rank(b))
      .map(contributor);
  return { byPosts: ranked((row) => row.by_posts), byEngagement: ranked((row) => row.by_engagement) };
}
