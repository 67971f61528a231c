import type { Queryable } from '../store/db.js';
import { ALL_LOCALITIES, ALL_SOURCES, UNATTRIBUTED_LOCALITY } from './counting-rules.js';
import { sqlInteger, toBucketRow, type BucketDbRow, type BucketRow, type SeriesQuery } from './series-query.js';

// Launch-aligned buckets summed from hourly rollup rows of one grain. A bucket's distinct authors
// are the sum over its hours of new_authors[hours since the bucket's start + 1] (migration 0009;
// an array shorter than that repeats its last element), so they are exact without reading any
// author ids. Needs a window starting on a whole UTC hour.

// Split keys are listed, not ranged (locality_key >= 0), so the primary key is walked as one narrow
// hour range per key instead of across every hour of the campaign.
const EVERY_LOCALITY_KEY = `locality_key = ANY(ARRAY(SELECT id FROM localities WHERE campaign_id = $1) || ${UNATTRIBUTED_LOCALITY}::bigint)`;
const EVERY_SOURCE_KEY = `source_key = ANY(ARRAY(SELECT id FROM sources WHERE campaign_id = $1))`;

interface Grain {
  splitExpression: string;
  localityCondition: string;
  sourceCondition: string;
}

function grains(query: SeriesQuery): Grain[] {
  const { localityKey, sourceKey } = query.filters;
  const locality = `locality_key = ${sqlInteger(localityKey)}`;
  const source = `source_key = ${sqlInteger(sourceKey)}`;
  const total: Grain = { splitExpression: 'NULL::text', localityCondition: locality, sourceCondition: source };
  switch (query.split) {
    case null:
      return [total];
    case 'platform':
      return [total, { ...total, splitExpression: 'platform' }];
    case 'locality':
      return [total, { ...total, splitExpression: 'locality_key::text', localityCondition: localityKey === ALL_LOCALITIES ? EVERY_LOCALITY_KEY : locality }];
    case 'source':
      return [total, { ...total, splitExpression: 'source_key::text', sourceCondition: sourceKey === ALL_SOURCES ? EVERY_SOURCE_KEY : source }];
  }
}

const HOURS_INTO_BUCKET = `((extract(epoch FROM hour)::bigint - $2) / 3600) % $4 + 1`;

function selectGrain(grain: Grain, platformCondition: string): string {
  return `
    SELECT ${grain.splitExpression} AS split_key,
           ((extract(epoch FROM hour)::bigint - $2) / $3)::integer AS bucket,
           sum(posts)::bigint AS posts,
           sum(engagement)::bigint AS engagement,
           sum(new_authors[least(${HOURS_INTO_BUCKET}, cardinality(new_authors))])::bigint AS unique_authors,
           sum(new_reach[least(${HOURS_INTO_BUCKET}, cardinality(new_reach))])::bigint AS reach
    FROM analytics_hourly_rollups
    WHERE campaign_id = $1 AND ${grain.localityCondition} AND ${grain.sourceCondition} AND hour >= $5 AND hour < $6${platformCondition}
    GROUP BY 1, 2`;
}

export async function seriesFromRollups(db: Queryable, query: SeriesQuery): Promise<BucketRow[]> {
  const { window, filters } = query;
  const values: unknown[] = [query.campaignId, window.from.getTime() / 1000, window.bucketHours * 3600, window.bucketHours, window.from, window.to];
  const platformCondition = filters.platform ? ` AND platform = $${values.push(filters.platform)}` : '';
  const sql = grains(query)
    .map((grain) => selectGrain(grain, platformCondition))
    .join('\n    UNION ALL');
  const { rows } = await db.query<BucketDbRow>(sql, values);
  return rows.map(toBucketRow);
}
