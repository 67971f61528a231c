import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeStoredPosts } from '../../src/ingestion/attribute.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { withTransaction } from '../../src/store/db.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { upsertPosts } from '../../src/store/posts.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { AUTHORS, attributionCampaign, attributionsOf, blogComment, countingQueryable, ingest, postIds, tweet } from '../support/attribution-campaign.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, attributionCampaign());
});
afterAll(async () => db.close());

const localityIds = async (campaign: string) =>
  (await db.pool.query<{ id: number }>(`SELECT l.id FROM localities l JOIN campaigns c ON c.id = l.campaign_id WHERE c.slug = $1 ORDER BY l.slug`, [campaign])).rows.map((r) => r.id);

describe('attributing stored posts', () => {
  it('stores each attribution with its rule, the text that matched and a confidence', async () => {
    const posts = [
      tweet('Great turnout tonight #LoveStockport #RSAhealth'),
      tweet('Volunteers at Stepping Hill have been knitting twiddlemuffs for years'),
      tweet('The Chadderton walking group is the movement in miniature'),
      tweet('Reading the primer on the bus', { authorExternalId: 'in-marple' }),
      tweet('Morning walk before work', { place: { id: 'p1', fullName: 'Hyde, England', countryCode: 'GB', placeType: 'city' } }),
    ];
    const result = await ingest(db.pool, 'rsahealth-x', posts);
    expect(result).toMatchObject({ attributed: 5, unattributed: 0 });
    expect(await Promise.all(result.ids.map((id) => attributionsOf(db.pool, id)))).toEqual([
      ['stockport hashtag #LoveStockport 0.95'],
      ['stockport keyword Stepping Hill 0.9'],
      ['oldham place-name Chadderton 0.9'],
      ['stockport profile-location Stockport 0.59'],
      ['tameside x-place Hyde 0.75'],
    ]);
  });

  it('attributes a post to every locality it is about', async () => {
    const { ids } = await ingest(db.pool, 'rsahealth-x', [tweet('Walks from Bramhall, Chadderton and #Tameside this weekend')]);
    expect(await attributionsOf(db.pool, ids[0]!)).toEqual(['oldham place-name Chadderton 0.9', 'stockport place-name Bramhall 0.9', 'tameside hashtag #Tameside 0.95']);
  });

  it('counts posts matching no locality as unattributed and stores no rows for them', async () => {
    const result = await ingest(db.pool, 'rsahealth-x', [tweet('Just finished the primer. Brilliant.'), tweet('#Oldham champions!')]);
    expect(result).toMatchObject({ attributed: 1, unattributed: 1 });
    expect(await attributionsOf(db.pool, result.ids[0]!)).toEqual([]);
  });

  it('attributes every comment from a site configured with a locality to it, and reads a comment’s categories', async () => {
    const local = await ingest(db.pool, 'stockport-blog', [blogComment('Keep going!')]);
    expect(await attributionsOf(db.pool, local.ids[0]!)).toEqual(['stockport site stockport 0.8']);

    const campaignBlog = await ingest(db.pool, 'hsm-blog', [blogComment('Keep going!'), blogComment('Lovely idea', { categories: [{ id: 4, name: 'Oldham' }] })]);
    expect(campaignBlog).toMatchObject({ attributed: 1, unattributed: 1 });
    expect(await attributionsOf(db.pool, campaignBlog.ids[0]!)).toEqual([]);
    expect(await attributionsOf(db.pool, campaignBlog.ids[1]!)).toEqual(['oldham post-category Oldham 0.86']);
  });

  it('attributes a post in two campaigns with each campaign’s own localities', async () => {
    const post = tweet('#Stockport is ready');
    await ingest(db.pool, 'other-x', [post]);
    const { ids, attributed } = await ingest(db.pool, 'rsahealth-x', [{ ...post, metrics: { likes: 3, reposts: 0, replies: 0, quotes: 0 } }]);
    expect(attributed).toBe(2);
    const rows = await db.pool.query<{ campaign: string }>(
      `SELECT c.slug AS campaign FROM locality_attributions la JOIN campaigns c ON c.id = la.campaign_id WHERE la.post_id = $1 ORDER BY 1`,
      [ids[0]],
    );
    expect(rows.rows.map((r) => r.campaign)).toEqual(['hsm', 'other']);
  });

  it('does not attribute posts that reached the campaign only as the context of a match', async () => {
    const result = await ingest(db.pool, 'rsahealth-x', [tweet('The #Stockport thread being quoted', { relation: 'reference' })]);
    expect(result).toMatchObject({ attributed: 0, unattributed: 0 });
    expect(await attributionsOf(db.pool, result.ids[0]!)).toEqual([]);
  });

  it('never attributes a tombstone, and a purge removes what a post had', async () => {
    const post = tweet('Huge respect to the #Stockport foodbank drivers');
    const { ids } = await ingest(db.pool, 'rsahealth-x', [post]);
    expect(await attributionsOf(db.pool, ids[0]!)).toHaveLength(1);

    const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
    await storeBatch(db.pool, { sourceId: source.id, campaignId: source.campaignId, posts: [], authors: [], removed: [{ platform: 'x', externalId: post.externalId, reason: 'deleted' }] });
    expect(await attributionsOf(db.pool, ids[0]!)).toEqual([]);

    expect(await attributeStoredPosts(db.pool, ids)).toEqual({ attributed: 0, unattributed: 0, changedPostIds: [] });
    expect(await attributionsOf(db.pool, ids[0]!)).toEqual([]);
  });

  it('keeps a staff override when the post is edited and attributed again', async () => {
    const post = tweet('Heading to #Oldham later');
    const { ids } = await ingest(db.pool, 'rsahealth-x', [post]);
    const [, , tameside] = await localityIds('hsm');
    await db.pool.query(`INSERT INTO attribution_overrides (post_id, campaign_id, locality_ids, note) SELECT $1, campaign_id, $2, 'it was the Tameside event' FROM localities WHERE id = $3`, [
      ids[0],
      [tameside],
      tameside,
    ]);
    const edited = await ingest(db.pool, 'rsahealth-x', [{ ...post, text: 'Heading to #Oldham later, then #Stockport' }]);
    expect(edited.changedPostIds).toEqual(ids);
    expect(await attributionsOf(db.pool, ids[0]!)).toEqual(['tameside override staff override 1 (override)']);
  });

  it('writes nothing when the posts are attributed again unchanged', async () => {
    const { ids } = await ingest(db.pool, 'rsahealth-x', [tweet('Marple Bridge towpath walk #RSAhealth'), tweet('No place here')]);
    const before = await db.pool.query(`SELECT post_id, locality_id, attributed_at FROM locality_attributions WHERE post_id = ANY($1) ORDER BY 1, 2`, [ids]);
    expect(await attributeStoredPosts(db.pool, ids)).toEqual({ attributed: 1, unattributed: 1, changedPostIds: [] });
    const after = await db.pool.query(`SELECT post_id, locality_id, attributed_at FROM locality_attributions WHERE post_id = ANY($1) ORDER BY 1, 2`, [ids]);
    expect(after.rows).toEqual(before.rows);
  });

  it('uses a campaign’s new rules in the next batch after config sync changes them', async () => {
    const { ids } = await ingest(db.pool, 'rsahealth-x', [tweet('Pop-up health checks in Merseyway all week')]);
    expect(await attributionsOf(db.pool, ids[0]!)).toEqual([]);
    await syncConfig(db.pool, attributionCampaign({ stockportKeywords: ['Merseyway'] }));
    try {
      expect(await attributeStoredPosts(db.pool, ids)).toMatchObject({ attributed: 1, changedPostIds: ids });
      expect(await attributionsOf(db.pool, ids[0]!)).toEqual(['stockport keyword Merseyway 0.9']);
    } finally {
      await syncConfig(db.pool, attributionCampaign());
    }
  });

  it('attributes a batch of 1,000 posts in a handful of queries, and two once the rules are compiled', async () => {
    const texts = ['Bramhall library chatty café', '#Oldham champions', 'Tameside Hospital maternity voices', 'Nothing local about this one'];
    const posts = Array.from({ length: 1000 }, (_, i) => tweet(`${texts[i % texts.length]} (${i})`));
    const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
    // Written without the pipeline's attribute step, so that the step's own work can be counted.
    await upsertPosts(db.pool, posts, AUTHORS, { sourceId: source.id, campaignId: source.campaignId });
    const ids = await postIds(db.pool, posts);

    // A fresh rules version (a new keyword) makes the first batch compile the campaign's rules.
    await syncConfig(db.pool, attributionCampaign({ stockportKeywords: ['Pyramid'] }));
    try {
      const [first, second] = await withTransaction(db.pool, async (tx) => {
        const counted = countingQueryable(tx);
        const cold = await attributeStoredPosts(counted, ids);
        const coldQueries = counted.count;
        const warm = await attributeStoredPosts(counted, ids);
        return [
          { ...cold, queries: coldQueries },
          { ...warm, queries: counted.count - coldQueries },
        ];
      });
      expect(first).toMatchObject({ attributed: 750, unattributed: 250, queries: 3 });
      expect(first.changedPostIds).toHaveLength(750);
      expect(second).toMatchObject({ attributed: 750, unattributed: 250, changedPostIds: [], queries: 2 });
    } finally {
      await syncConfig(db.pool, attributionCampaign());
    }
  });
});
