import type pg from 'pg';
import { parseCampaignFile } from '../../src/config/load.js';
import { markRollupHoursDirty, type RollupChange } from '../../src/analytics/index.js';
import type { AuthorRecord, Platform, PostKind, PostRecord } from '../../src/domain/post.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { withTransaction } from '../../src/store/db.js';
import { tombstonePosts, upsertPosts } from '../../src/store/posts.js';

export const LAUNCH_AT = new Date('2026-03-27T10:00:00Z');
export const HOUR = 3_600_000;

// Two campaigns, so every query is seen to keep to its own; hsm has three localities and an X
// search, a WordPress site and a comment feed.
export const ANALYTICS_CONFIG = `
campaigns:
  - slug: hsm
    name: Health as a Social Movement
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport] }
      - { slug: oldham, name: Oldham, hashtags: [Oldham] }
      - { slug: tameside, name: Tameside, hashtags: [Tameside] }
    launches:
      - { slug: primer, title: "The primer", at: ${LAUNCH_AT.toISOString()} }
      - { slug: report, title: "The report", at: 2026-04-03T09:00:00Z }
      - { slug: halfpast, title: "Launched at half past", at: 2026-03-27T10:30:00Z }
    sources:
      - { slug: hsm-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }
      - { slug: hsm-feed, kind: feed, url: "https://blog.example.org/comments/feed/", every: 1h }
  - slug: other
    name: Another campaign
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport] }
    launches:
      - { slug: primer, title: "Its own launch", at: ${LAUNCH_AT.toISOString()} }
    sources:
      - { slug: other-x, kind: x-search, query: "#other", every: 15m }
`;

export interface AnalyticsIds {
  campaigns: Record<string, number>;
  /** By campaign slug, then locality slug. */
  localities: Record<string, Record<string, number>>;
  sources: Record<string, { id: number; campaignId: number; platform: Platform }>;
}

export async function setUpAnalyticsCampaigns(pool: pg.Pool): Promise<AnalyticsIds> {
  await syncConfig(pool, parseCampaignFile(ANALYTICS_CONFIG, 'analytics.yaml').campaigns);
  const campaigns = Object.fromEntries((await pool.query<{ slug: string; id: number }>('SELECT slug, id FROM campaigns')).rows.map((r) => [r.slug, r.id]));
  const localities: AnalyticsIds['localities'] = {};
  for (const row of (await pool.query<{ campaign: string; slug: string; id: number }>('SELECT c.slug AS campaign, l.slug, l.id FROM localities l JOIN campaigns c ON c.id = l.campaign_id')).rows) {
    (localities[row.campaign] ??= {})[row.slug] = row.id;
  }
  const sources: AnalyticsIds['sources'] = {};
  for (const row of (await pool.query<{ slug: string; id: number; campaign_id: number; kind: string }>('SELECT slug, id, campaign_id, kind FROM sources')).rows) {
    sources[row.slug] = { id: row.id, campaignId: row.campaign_id, platform: row.kind === 'x-search' ? 'x' : 'site' };
  }
  return { campaigns, localities, sources };
}

export async function clearPosts(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE analytics_hourly_rollups, analytics_hourly_accrual, analytics_rollup_dirty_hours, engagement_snapshots,
                             locality_attributions, post_sources, posts, authors RESTART IDENTITY CASCADE`);
}

export interface PostSpec {
  key: number;
  platform: Platform;
  kind?: PostKind;
  author: number | null;
  createdAt: Date;
  metrics?: { likes: number; reposts: number; replies: number; quotes: number };
  parent?: number;
}

export const externalIdOf = (platform: Platform, key: number) => (platform === 'x' ? String(1_900_000_000_000_000_000n + BigInt(key)) : `blog-${key}`);

export function postRecord(spec: PostSpec): PostRecord {
  return {
    platform: spec.platform,
    externalId: externalIdOf(spec.platform, spec.key),
    kind: spec.kind ?? (spec.platform === 'site' ? 'comment' : 'post'),
    authorExternalId: spec.author === null ? null : `a${spec.author}`,
    createdAt: spec.createdAt,
    text: `Post ${spec.key}`,
    parentExternalId: spec.parent === undefined ? null : externalIdOf(spec.platform, spec.parent),
    metrics: spec.metrics ?? { likes: 0, reposts: 0, replies: 0, quotes: 0 },
  };
}

export const authorRecord = (platform: Platform, author: number, followers = 100 * (author + 1)): AuthorRecord => ({
  platform,
  externalId: `a${author}`,
  handle: `author${author}`,
  name: `Author ${author}`,
  followersCount: followers,
});

/** Stores posts through one source the way ingestion does: upsert and mark, in one transaction. Returns their ids. */
export async function ingest(pool: pg.Pool, source: { id: number; campaignId: number }, specs: readonly PostSpec[], relation: 'match' | 'reference' = 'match'): Promise<number[]> {
  const records = specs.map((spec) => ({ ...postRecord(spec), relation }));
  const authors = specs.filter((spec) => spec.author !== null).map((spec) => authorRecord(spec.platform, spec.author!));
  return withTransaction(pool, async (tx) => {
    await upsertPosts(tx, records, authors, { sourceId: source.id, campaignId: source.campaignId });
    const { rows } = await tx.query<{ id: number }>(
      'SELECT id FROM posts p JOIN unnest($1::text[], $2::text[]) AS k(platform, external_id) ON p.platform = k.platform AND p.external_id = k.external_id',
      [records.map((r) => r.platform), records.map((r) => r.externalId)],
    );
    const ids = rows.map((row) => row.id);
    await markRollupHoursDirty(tx, ids);
    return ids;
  });
}

export async function postIdOf(pool: pg.Pool, platform: Platform, key: number): Promise<number> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM posts WHERE platform = $1 AND external_id = $2', [platform, externalIdOf(platform, key)]);
  return rows[0]!.id;
}

export interface PostAttribution {
  postId: number;
  campaignId: number;
  localityIds: readonly number[];
}

/** Replaces posts' attributions in their campaigns, as the re-attribution job would, and marks them: one transaction. */
export async function attributeMany(pool: pg.Pool, attributions: readonly PostAttribution[]): Promise<void> {
  if (attributions.length === 0) return;
  const rows = attributions.flatMap((a) => [...new Set(a.localityIds)].map((localityId) => ({ post_id: a.postId, campaign_id: a.campaignId, locality_id: localityId })));
  await withTransaction(pool, async (tx) => {
    await tx.query('DELETE FROM locality_attributions la USING unnest($1::bigint[], $2::bigint[]) AS t(post_id, campaign_id) WHERE la.post_id = t.post_id AND la.campaign_id = t.campaign_id', [
      attributions.map((a) => a.postId),
      attributions.map((a) => a.campaignId),
    ]);
    await tx.query(
      `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence)
       SELECT p.id, r.locality_id, r.campaign_id, p.created_at, 'hashtag', 'test', 0.9
       FROM json_to_recordset($1::json) AS r(post_id bigint, campaign_id bigint, locality_id bigint) JOIN posts p ON p.id = r.post_id`,
      [JSON.stringify(rows)],
    );
    await markRollupHoursDirty(tx, attributions.map((a) => a.postId));
  });
}

export const attribute = (pool: pg.Pool, postId: number, campaignId: number, localityIds: readonly number[]) => attributeMany(pool, [{ postId, campaignId, localityIds }]);

export async function tombstone(pool: pg.Pool, platform: Platform, key: number): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const ids = await tombstonePosts(tx, [{ platform, externalId: externalIdOf(platform, key), reason: 'deleted' }]);
    await markRollupHoursDirty(tx, ids);
  });
}

/**
 * An engagement snapshot taken at `capturedAt` (the store takes them at now(); tests need them in the
 * window), with the post's counts set to it, marked as `change` ('metrics' only when it is the post's
 * newest snapshot, as an engagement refresh's are).
 */
export async function snapshot(
  pool: pg.Pool,
  postId: number,
  capturedAt: Date,
  metrics: { likes: number; reposts: number; replies: number; quotes: number },
  change: RollupChange = 'posts',
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO engagement_snapshots (post_id, captured_at, like_count, repost_count, reply_count, quote_count) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (post_id, captured_at) DO UPDATE SET like_count = EXCLUDED.like_count, repost_count = EXCLUDED.repost_count,
         reply_count = EXCLUDED.reply_count, quote_count = EXCLUDED.quote_count`,
      [postId, capturedAt, metrics.likes, metrics.reposts, metrics.replies, metrics.quotes],
    );
    await tx.query('UPDATE posts SET like_count = $2, repost_count = $3, reply_count = $4, quote_count = $5 WHERE id = $1', [
      postId,
      metrics.likes,
      metrics.reposts,
      metrics.replies,
      metrics.quotes,
    ]);
    await markRollupHoursDirty(tx, [postId], change);
  });
}
