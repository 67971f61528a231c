import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaultGazetteer } from '../../src/domain/attribution/index.js';
import {
  loadCampaignRules,
  loadPostsForAttribution,
  readAttributions,
  writeAttributions,
  type ComputedAttribution,
} from '../../src/store/attributions.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { upsertPosts } from '../../src/store/posts.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { AUTHORS, attributionCampaign, blogComment, postIds, tweet } from '../support/attribution-campaign.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let hsm: number;
let other: number;
let locality: Record<string, number>;

beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, attributionCampaign());
  const campaigns = await db.pool.query<{ id: number; slug: string }>('SELECT id, slug FROM campaigns');
  hsm = campaigns.rows.find((c) => c.slug === 'hsm')!.id;
  other = campaigns.rows.find((c) => c.slug === 'other')!.id;
  const localities = await db.pool.query<{ id: number; slug: string }>('SELECT id, slug FROM localities WHERE campaign_id = $1', [hsm]);
  locality = Object.fromEntries(localities.rows.map((l) => [l.slug, l.id]));
});
afterAll(async () => db.close());

async function store(sourceSlug: string, posts: ReturnType<typeof tweet>[]): Promise<number[]> {
  const source = (await findSourceBySlug(db.pool, sourceSlug))!;
  await upsertPosts(db.pool, posts, AUTHORS, { sourceId: source.id, campaignId: source.campaignId });
  return postIds(db.pool, posts);
}

const computed = (postId: number, slug: string, confidence = 0.9): ComputedAttribution => ({
  postId,
  campaignId: hsm,
  localityId: locality[slug]!,
  rule: 'keyword',
  matched: slug,
  confidence,
});

describe('loading a campaign’s rules', () => {
  it('gives the matcher exactly the configured localities merged with the default gazetteer, with their ids', async () => {
    const rules = (await loadCampaignRules(db.pool, [hsm])).get(hsm)!;
    const configured = attributionCampaign()[0]!.localities;
    expect(rules.localities.map((l) => l.rules)).toEqual(withDefaultGazetteer(configured));
    expect(rules.localities.map((l) => [l.slug, l.id])).toEqual([
      ['stockport', locality.stockport],
      ['oldham', locality.oldham],
      ['tameside', locality.tameside],
    ]);
  });

  it('changes the rules digest when config sync changes a locality’s rules or a site’s locality, and only then', async () => {
    const digest = async () => (await loadCampaignRules(db.pool, [hsm, other])).get(hsm)!.rulesHash;
    const otherDigest = async () => (await loadCampaignRules(db.pool, [other])).get(other)!.rulesHash;
    const before = await digest();
    const otherBefore = await otherDigest();
    await syncConfig(db.pool, attributionCampaign());
    expect(await digest()).toBe(before);

    await syncConfig(db.pool, attributionCampaign({ stockportKeywords: ['Merseyway'] }));
    const afterKeyword = await digest();
    expect(afterKeyword).not.toBe(before);
    expect(await otherDigest()).toBe(otherBefore);

    await syncConfig(db.pool, attributionCampaign({ stockportKeywords: ['Merseyway'], blogLocality: 'oldham' }));
    expect(await digest()).not.toBe(afterKeyword);

    await syncConfig(db.pool, attributionCampaign());
    expect(await digest()).toBe(before);
  });

  it('leaves out campaigns that do not exist', async () => {
    expect([...(await loadCampaignRules(db.pool, [hsm, 999_999])).keys()]).toEqual([hsm]);
  });
});

describe('loading posts to attribute', () => {
  it('reads text, author location, X place, comment context and the site’s locality, once per campaign the post belongs to', async () => {
    const geotagged = tweet('Walking group this morning', { authorExternalId: 'in-marple', place: { id: 'p1', fullName: 'Hyde, England', countryCode: 'GB', placeType: 'city' } });
    const [tweetId] = await store('rsahealth-x', [geotagged]);
    await store('other-x', [geotagged]);
    const comment = blogComment('See you there', { title: 'Walks in Bramhall', categories: ['Stockport', { name: 'Walking', id: 3 }], tags: ['health'] });
    const [commentId] = await store('stockport-blog', [comment]);

    const loaded = await loadPostsForAttribution(db.pool, [tweetId!, commentId!, tweetId!]);
    expect(loaded.map((p) => [p.postId, p.campaignId])).toEqual([
      [tweetId, hsm],
      [tweetId, other],
      [commentId, hsm],
    ]);
    expect(loaded[0]).toMatchObject({
      kind: 'post',
      deleted: false,
      input: { text: 'Walking group this morning', authorLocation: 'Marple, Stockport', place: { fullName: 'Hyde, England', countryCode: 'GB', placeType: 'city' }, comment: null, siteLocality: null },
    });
    expect(loaded[2]).toMatchObject({
      kind: 'comment',
      input: { text: 'See you there', comment: { postTitle: 'Walks in Bramhall', categories: ['Stockport', 'Walking'], tags: ['health'] }, siteLocality: 'stockport' },
    });
    expect(loaded[0]!.rulesHash).toBe((await loadCampaignRules(db.pool, [hsm])).get(hsm)!.rulesHash);

    // An older shape of the context named the blog post's title `title`.
    const older = { ...blogComment('Count me in'), context: { title: 'Walks in Marple', url: 'https://stockport.example.org/walks', categories: [], tags: [] } };
    const [olderId] = await store('hsm-blog', [older]);
    expect((await loadPostsForAttribution(db.pool, [olderId!]))[0]?.input).toMatchObject({ comment: { postTitle: 'Walks in Marple' }, siteLocality: null });

    const onlyOther = await loadPostsForAttribution(db.pool, [tweetId!, commentId!], { campaignId: other, lockForShare: true });
    expect(onlyOther.map((p) => [p.postId, p.campaignId])).toEqual([[tweetId, other]]);
  });

  it('skips posts that reached the campaign only as the context of a match', async () => {
    const quoted = tweet('The Stockport report everyone is quoting', { relation: 'reference' });
    const [id] = await store('rsahealth-x', [quoted]);
    expect(await loadPostsForAttribution(db.pool, [id!])).toEqual([]);
  });
});

describe('writing attributions', () => {
  it('stores each locality’s rule, matched text and confidence, and replaces what was there before', async () => {
    const [id] = await store('rsahealth-x', [tweet('write test one')]);
    const first = await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], [computed(id!, 'stockport'), computed(id!, 'oldham', 0.6)]);
    expect(first).toEqual({ changedPostIds: [id], attributed: 1 });
    expect((await readAttributions(db.pool, [id!])).map((a) => [a.locality, a.rule, a.matched, a.confidence, a.isOverride])).toEqual([
      ['oldham', 'keyword', 'oldham', 0.6, false],
      ['stockport', 'keyword', 'stockport', 0.9, false],
    ]);

    const same = await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], [computed(id!, 'stockport'), computed(id!, 'oldham', 0.6)]);
    expect(same).toEqual({ changedPostIds: [], attributed: 1 });

    const replaced = await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], [computed(id!, 'tameside')]);
    expect(replaced.changedPostIds).toEqual([id]);
    expect((await readAttributions(db.pool, [id!])).map((a) => a.locality)).toEqual(['tameside']);

    const cleared = await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], []);
    expect(cleared).toEqual({ changedPostIds: [id], attributed: 0 });
    expect(await readAttributions(db.pool, [id!])).toEqual([]);
  });

  it('applies staff overrides last: they replace the computed rows, and an empty override means unattributed', async () => {
    const [overridden, markedNone] = await store('rsahealth-x', [tweet('write test override'), tweet('write test none')]);
    await db.pool.query(
      `INSERT INTO attribution_overrides (post_id, campaign_id, locality_ids, note) VALUES ($1, $3, $4, 'staff know'), ($2, $3, '{}', 'not local')`,
      [overridden, markedNone, hsm, [locality.oldham, locality.tameside]],
    );
    const result = await writeAttributions(
      db.pool,
      [{ postId: overridden!, campaignId: hsm }, { postId: markedNone!, campaignId: hsm }],
      [computed(overridden!, 'stockport'), computed(markedNone!, 'stockport')],
    );
    expect(result.attributed).toBe(1);
    expect((await readAttributions(db.pool, [overridden!, markedNone!])).map((a) => [a.postId, a.locality, a.rule, a.confidence, a.isOverride])).toEqual([
      [overridden, 'oldham', 'override', 1, true],
      [overridden, 'tameside', 'override', 1, true],
    ]);
  });

  it('removes every attribution of a tombstone and never writes one', async () => {
    const post = tweet('write test tombstone');
    const [id] = await store('rsahealth-x', [post]);
    await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], [computed(id!, 'stockport')]);
    await db.pool.query(`UPDATE posts SET deleted_at = now() WHERE id = $1`, [id]);
    const result = await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], [computed(id!, 'stockport')]);
    expect(result).toEqual({ changedPostIds: [id], attributed: 0 });
    expect(await readAttributions(db.pool, [id!])).toEqual([]);
  });

  it('leaves other campaigns’ attributions of the same post alone', async () => {
    const post = tweet('write test two campaigns');
    const [id] = await store('rsahealth-x', [post]);
    await store('other-x', [post]);
    const otherStockport = (await db.pool.query<{ id: number }>(`SELECT id FROM localities WHERE campaign_id = $1`, [other])).rows[0]!.id;
    await writeAttributions(db.pool, [{ postId: id!, campaignId: other }], [{ ...computed(id!, 'stockport'), campaignId: other, localityId: otherStockport }]);
    await writeAttributions(db.pool, [{ postId: id!, campaignId: hsm }], []);
    expect((await readAttributions(db.pool, [id!])).map((a) => [a.campaignId, a.locality])).toEqual([[other, 'stockport']]);
  });
});
