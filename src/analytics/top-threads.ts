import { planLaunchWindow, type RankingRequest } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { resolveSeriesRequest } from './launch-series.js';
import { campaignPostConditions, POST_LOCALITY_SLUGS_SQL } from './post-filter-sql.js';
import { sqlInteger } from './series-query.js';

export interface CommentThread {
  root: {
    id: number;
    externalId: string;
    url: string | null;
    text: string | null;
    createdAt: string;
    author: { handle: string | null; name: string | null } | null;
    localities: string[];
  };
  /** Replies at any depth made in the window (tombstoned ones excluded). */
  replies: number;
  /** Distinct authors in the thread, the root's included. */
  participants: number;
  lastReplyAt: string | null;
  /** Longest chain of replies below the root. */
  depth: number;
}

interface ThreadRow {
  id: number;
  external_id: string;
  url: string | null;
  text: string | null;
  created_at: Date;
  author_id: number | null;
  handle: string | null;
  name: string | null;
  localities: string[];
  replies: number;
  participants: number;
  last_reply_at: Date | null;
  depth: number;
}

// Replies deeper than this are not followed: a guard against a parent cycle in bad data.
const MAX_DEPTH = 100;

/**
 * The site comment threads with the most replies: a thread's root is a comment made in the window
 * (and matching the locality/source filters) whose parent is not itself a live campaign comment;
 * replies are followed through posts.parent_external_id at any depth.
 */
export async function topCommentThreads(db: Queryable, request: RankingRequest): Promise<CommentThread[]> {
  const { campaign, launch, filters } = await resolveSeriesRequest(db, request);
  const window = planLaunchWindow(launch.at, request);
  const values: unknown[] = [campaign.id, window.from, window.to, request.limit];
  const rootConditions = campaignPostConditions({ ...filters, platform: null }, values);
  const { rows } = await db.query<ThreadRow>(
    `WITH RECURSIVE comment AS MATERIALIZED (
       SELECT p.id, p.external_id, p.parent_external_id, p.created_at, p.author_id
       FROM posts p
       WHERE p.platform = 'site' AND p.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match')
     ),
     root AS (
       SELECT p.id, p.external_id
       FROM posts p
       WHERE p.platform = 'site' AND p.created_at >= $2 AND p.created_at < $3 AND ${rootConditions.join(' AND ')}
         AND (p.parent_external_id IS NULL OR NOT EXISTS (SELECT 1 FROM comment parent WHERE parent.external_id = p.parent_external_id))
     ),
     thread AS (
       SELECT root.id AS root_id, root.external_id, root.id AS comment_id, 0 AS depth FROM root
       UNION ALL
       SELECT thread.root_id, c.external_id, c.id, thread.depth + 1
       FROM thread JOIN comment c ON c.parent_external_id = thread.external_id
       WHERE thread.depth < ${sqlInteger(MAX_DEPTH)}
     ),
     totals AS (
       SELECT thread.root_id,
              count(*) FILTER (WHERE thread.depth > 0 AND c.created_at >= $2 AND c.created_at < $3)::bigint AS replies,
              count(DISTINCT c.author_id)::bigint AS participants,
              max(c.created_at) FILTER (WHERE thread.depth > 0 AND c.created_at >= $2 AND c.created_at < $3) AS last_reply_at,
              max(thread.depth) AS depth
       FROM thread JOIN comment c ON c.id = thread.comment_id
       GROUP BY thread.root_id
     )
     SELECT p.id, p.external_id, p.url, p.text, p.created_at, p.author_id, a.handle, a.name, ${POST_LOCALITY_SLUGS_SQL} AS localities,
            totals.replies, totals.participants, totals.last_reply_at, totals.depth
     FROM totals JOIN posts p ON p.id = totals.root_id LEFT JOIN authors a ON a.id = p.author_id
     WHERE totals.replies > 0
     ORDER BY totals.replies DESC, totals.last_reply_at DESC, p.id
     LIMIT $4`,
    values,
  );
  return rows.map((row) => ({
    root: {
      id: row.id,
      externalId: row.external_id,
      url: row.url,
      text: row.text,
      createdAt: row.created_at.toISOString(),
      author: row.author_id === null ? null : { handle: row.handle, name: row.name },
      localities: row.localities,
    },
    replies: row.replies,
    participants: row.participants,
    lastReplyAt: row.last_reply_at?.toISOString() ?? null,
    depth: row.depth,
  }));
}
