import type { Queryable } from '../store/db.js';
import { ALL_LOCALITIES, POST_ENGAGEMENT_SQL, UNATTRIBUTED_LOCALITY } from './counting-rules.js';
import { sqlInteger, toBucketRow, type BucketDbRow, type BucketRow, type SeriesQuery } from './series-query.js';

// The same buckets as series-from-rollups.ts, by GROUP BY over posts: the reference the rollups are
// tested against, the benchmark's baseline, and the answer for launches not on a whole hour.

function selectSeries(query: SeriesQuery, split: SeriesQuery['split']): { sql: string; values: unknown[] } {
  const { window, filters } = query;
  const values: unknown[] = [query.campaignId, window.from, window.to, window.bucketHours * 3600];
  const byLocality = split === 'locality' || filters.localityKey !== ALL_LOCALITIES;
  const conditions: string[] = [];
  if (filters.localityKey === UNATTRIBUTED_LOCALITY) conditions.push('la.post_id IS NULL');
  else if (filters.localityKey !== ALL_LOCALITIES) conditions.push(`la.locality_id = ${sqlInteger(filters.localityKey)}`);
  if (filters.sourceKey > 0) conditions.push(`ps.source_id = ${sqlInteger(filters.sourceKey)}`);
  if (filters.platform) conditions.push(`p.platform = $${values.push(filters.platform)}`);
  const splitExpression =
    split === 'locality' ? `coalesce(la.locality_id, ${UNATTRIBUTED_LOCALITY})::text` : split === 'source' ? 'ps.source_id::text' : split === 'platform' ? 'p.platform' : `''`;
  const sql = `
    WITH base AS (
      SELECT DISTINCT ${splitExpression} AS split_key, p.id, p.author_id, coalesce(a.followers_count, 0)::bigint AS followers,
             ${POST_ENGAGEMENT_SQL} AS engagement,
             floor(extract(epoch FROM p.created_at - $2) / $4)::integer AS bucket
      FROM posts p
      JOIN post_sources ps ON ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match'
      LEFT JOIN authors a ON a.id = p.author_id
      ${byLocality ? 'LEFT JOIN locality_attributions la ON la.post_id = p.id AND la.campaign_id = $1' : ''}
      WHERE p.deleted_at IS NULL AND p.created_at >= $2 AND p.created_at < $3${conditions.map((c) => ` AND ${c}`).join('')}
    ),
    post_totals AS (
      SELECT split_key, bucket, count(*)::bigint AS posts, sum(engagement)::bigint AS engagement FROM base GROUP BY 1, 2
    ),
    author_totals AS (
      SELECT split_key, bucket, count(*)::bigint AS unique_authors, sum(followers)::bigint AS reach
      FROM (SELECT DISTINCT split_key, bucket, author_id, followers FROM base WHERE author_id IS NOT NULL) distinct_authors
      GROUP BY 1, 2
    )
    SELECT ${split === null ? 'NULL::text' : 'split_key'} AS split_key, bucket, posts, engagement, unique_authors, reach
    FROM post_totals LEFT JOIN author_totals USING (split_key, bucket)`;
  return { sql, values };
}

export async function seriesFromRaw(db: Queryable, query: SeriesQuery): Promise<BucketRow[]> {
  const total = selectSeries(query, null);
  const rows = (await db.query<BucketDbRow>(total.sql, total.values)).rows.map(toBucketRow);
  if (query.split === null) return rows;
  const split = selectSeries(query, query.split);
  return [...rows, ...(await db.query<BucketDbRow>(split.sql, split.values)).rows.map(toBucketRow)];
}
