import type { CampaignConfig } from '../../src/config/campaign-schema.js';
import { parseCampaignFile } from '../../src/config/load.js';
import type { AuthorRecord, PostRecord } from '../../src/domain/post.js';
import { attributeStoredPosts, type AttributeResult } from '../../src/ingestion/attribute.js';
import { withTransaction, type Pool, type Queryable } from '../../src/store/db.js';
import { upsertPosts } from '../../src/store/posts.js';
import { findSourceBySlug } from '../../src/store/sources.js';

// A campaign with three localities, an X search, a local blog configured with a locality and a
// campaign blog without one; and a second campaign sharing an X post, for posts in two campaigns.

export interface AttributionCampaignOptions {
  /** Extra keywords for Stockport (a rules change). */
  stockportKeywords?: readonly string[];
  /** The locality of the stockport-blog source; null for none. */
  blogLocality?: string | null;
}

export function attributionCampaign(options: AttributionCampaignOptions = {}): CampaignConfig[] {
  return parseCampaignFile(attributionCampaignYaml(options), 'attribution-fixture.yaml').campaigns;
}

/** The same campaign config as YAML, for a config file. */
export function attributionCampaignYaml(options: AttributionCampaignOptions = {}): string {
  const keywords = ['Stockport Council', 'Stepping Hill', ...(options.stockportKeywords ?? [])].map((k) => JSON.stringify(k)).join(', ');
  const blogLocality = options.blogLocality === undefined ? 'stockport' : options.blogLocality;
  return `
campaigns:
  - slug: hsm
    name: Health as a Social Movement
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport, LoveStockport], keywords: [${keywords}], places: [Bramhall, Marple] }
      - { slug: oldham, name: Oldham, hashtags: [Oldham], keywords: [Royal Oldham Hospital], places: [Chadderton] }
      - { slug: tameside, name: Tameside, hashtags: [Tameside], keywords: [Tameside Hospital], places: [Hyde] }
    sources:
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: stockport-blog, kind: wordpress, url: "https://stockport.example.org", every: 1h${blogLocality ? `, locality: ${blogLocality}` : ''} }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }
  - slug: other
    name: Another campaign
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport] }
    sources:
      - { slug: other-x, kind: x-search, query: "#other", every: 15m }
`;
}

let sequence = 0;

/** An X post with this text (and whatever else is given). */
export function tweet(text: string, extra: Partial<PostRecord> = {}): PostRecord {
  sequence += 1;
  return {
    platform: 'x',
    externalId: String(1_900_000_000_000_000_000n + BigInt(sequence)),
    kind: 'post',
    authorExternalId: extra.authorExternalId ?? 'plain',
    createdAt: new Date(Date.UTC(2026, 10, 20, 10, 0, 0) + sequence * 1000),
    text,
    metrics: { likes: 0, reposts: 0, replies: 0, quotes: 0 },
    ...extra,
  };
}

/** A blog comment with this text, under a blog post with this title, categories and tags (context as the site collectors store it). */
export function blogComment(text: string, context: { title?: string; categories?: unknown[]; tags?: unknown[]; siteLocality?: string } = {}): PostRecord {
  sequence += 1;
  return {
    platform: 'site',
    externalId: `https://blog.example.org#comment-${sequence}`,
    kind: 'comment',
    authorExternalId: 'commenter',
    createdAt: new Date(Date.UTC(2026, 10, 21, 9, 0, 0) + sequence * 1000),
    text,
    context: {
      postId: 7,
      postTitle: context.title ?? 'A blog post',
      postUrl: 'https://blog.example.org/a-post',
      categories: context.categories ?? [],
      tags: context.tags ?? [],
      siteLocality: context.siteLocality ?? null,
    },
    metrics: { likes: 0, reposts: 0, replies: 0, quotes: 0 },
  };
}

export const AUTHORS: AuthorRecord[] = [
  { platform: 'x', externalId: 'plain', handle: 'plain', name: 'Plain', location: null },
  { platform: 'x', externalId: 'in-marple', handle: 'marpler', name: 'Marpler', location: 'Marple, Stockport' },
  { platform: 'site', externalId: 'commenter', name: 'Commenter' },
];

/** Stores posts through a source and attributes the changed ones in the same transaction, as ingestion does. */
export async function ingest(pool: Pool, sourceSlug: string, posts: PostRecord[]): Promise<AttributeResult & { ids: number[] }> {
  const source = await findSourceBySlug(pool, sourceSlug);
  if (source === undefined) throw new Error(`no source ${sourceSlug}`);
  return withTransaction(pool, async (tx) => {
    const stored = await upsertPosts(tx, posts, AUTHORS, { sourceId: source.id, campaignId: source.campaignId });
    const attributed = await attributeStoredPosts(tx, stored.changedPostIds);
    return { ...attributed, ids: await postIds(tx, posts) };
  });
}

/** Internal ids of these posts, in the order given. */
export async function postIds(db: Queryable, posts: readonly PostRecord[]): Promise<number[]> {
  const { rows } = await db.query<{ id: number; key: string }>(`SELECT id, platform || ':' || external_id AS key FROM posts`);
  const ids = new Map(rows.map((row) => [row.key, row.id]));
  return posts.map((post) => ids.get(`${post.platform}:${post.externalId}`)!);
}

/** What each post is attributed to, as "slug rule matched confidence" lines (overrides marked). */
export async function attributionsOf(db: Queryable, postId: number): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(
    `SELECT concat_ws(' ', l.slug, la.rule, la.matched, la.confidence::text, CASE WHEN la.is_override THEN '(override)' END) AS line
     FROM locality_attributions la JOIN localities l ON l.id = la.locality_id WHERE la.post_id = $1 ORDER BY l.slug`,
    [postId],
  );
  return rows.map((row) => row.line);
}

/** A Queryable that counts the statements sent through it. */
export function countingQueryable(inner: Queryable): Queryable & { count: number; texts: string[] } {
  const counter = {
    count: 0,
    texts: [] as string[],
    query: ((text: string, values?: unknown[]) => {
      counter.count += 1;
      counter.texts.push(text);
      return inner.query(text, values);
    }) as Queryable['query'],
  };
  return counter;
}
