import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { campaignsNeedingReattribution, reattributeCampaign } from '../../src/ingestion/reattribute.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { attributionCampaign, attributionsOf, blogComment, ingest, tweet } from '../support/attribution-campaign.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let hsm: number;
let ids: number[];
let overriddenId: number;
let tombstoneId: number;
let commentIds: number[];

// 40 posts: every fifth names Merseyway (a Stockport shopping street the config learns later),
// the rest are about Oldham or nowhere; one has a staff override and one is a tombstone. And two
// comments from the local blog, whose configured locality is Stockport: 41 live posts in all.
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, attributionCampaign());
  hsm = (await db.pool.query<{ id: number }>(`SELECT id FROM campaigns WHERE slug = 'hsm'`)).rows[0]!.id;
  const posts = Array.from({ length: 40 }, (_, i) =>
    tweet(i % 5 === 0 ? `Pop-up health checks in Merseyway today (${i})` : i % 2 === 0 ? `#Oldham walk (${i})` : `A thought on the primer (${i})`),
  );
  ({ ids } = await ingest(db.pool, 'rsahealth-x', posts));
  overriddenId = ids[10]!;
  const oldham = (await db.pool.query<{ id: number }>(`SELECT id FROM localities WHERE campaign_id = $1 AND slug = 'oldham'`, [hsm])).rows[0]!.id;
  await db.pool.query(`INSERT INTO attribution_overrides (post_id, campaign_id, locality_ids) VALUES ($1, $2, $3)`, [overriddenId, hsm, [oldham]]);
  await ingest(db.pool, 'rsahealth-x', [{ ...posts[10]!, text: `${posts[10]!.text} (edited)` }]);
  tombstoneId = ids[15]!;
  const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
  await storeBatch(db.pool, { sourceId: source.id, campaignId: hsm, posts: [], authors: [], removed: [{ platform: 'x', externalId: posts[15]!.externalId, reason: 'deleted' }] });
  // The collector recorded the site's locality in the context too; the configured one is what counts.
  ({ ids: commentIds } = await ingest(db.pool, 'stockport-blog', [blogComment('Keep going!', { siteLocality: 'stockport' }), blogComment('Lovely walk', { siteLocality: 'stockport' })]));
});
afterAll(async () => db.close());

beforeEach(async () => {
  await syncConfig(db.pool, attributionCampaign());
  await reattributeCampaign(db.pool, hsm);
});

const merseywayIds = () => ids.filter((_, i) => i % 5 === 0 && i !== 10 && i !== 15);
const withConfig = async (options: Parameters<typeof attributionCampaign>[0]) => syncConfig(db.pool, attributionCampaign(options));

describe('re-attribution when rules change', () => {
  it('lists a campaign whose rules changed since its last walk, and not after the walk', async () => {
    expect(await campaignsNeedingReattribution(db.pool)).toEqual([expect.objectContaining({ slug: 'other', resumable: false })]);
    await withConfig({ stockportKeywords: ['Merseyway'] });
    expect((await campaignsNeedingReattribution(db.pool)).map((c) => c.slug)).toEqual(['hsm', 'other']);
    await reattributeCampaign(db.pool, hsm);
    expect((await campaignsNeedingReattribution(db.pool)).map((c) => c.slug)).toEqual(['other']);
  });

  it('changes exactly the posts the new keyword affects, and keeps staff overrides', async () => {
    const before = await Promise.all(ids.map((id) => attributionsOf(db.pool, id)));
    await withConfig({ stockportKeywords: ['Merseyway'] });
    const changedInBatches: number[] = [];
    const result = await reattributeCampaign(db.pool, hsm, {
      batchSize: 7,
      onBatch: (_tx, changed) => {
        changedInBatches.push(...changed);
        return Promise.resolve();
      },
    });

    expect(result).toMatchObject({ posts: 41, changed: 6, completed: true });
    expect(changedInBatches).toEqual(merseywayIds());
    const after = await Promise.all(ids.map((id) => attributionsOf(db.pool, id)));
    ids.forEach((id, i) => {
      if (merseywayIds().includes(id)) expect(after[i]).toEqual(['stockport keyword Merseyway 0.9']);
      else expect(after[i]).toEqual(before[i]);
    });
    expect(await attributionsOf(db.pool, overriddenId)).toEqual(['oldham override staff override 1 (override)']);
    expect(await attributionsOf(db.pool, tombstoneId)).toEqual([]);

    const again = await reattributeCampaign(db.pool, hsm, { batchSize: 7 });
    expect(again).toMatchObject({ posts: 41, changed: 0, completed: true });
  });

  it('moves a site’s comments when the locality configured for the site changes', async () => {
    expect(await Promise.all(commentIds.map((id) => attributionsOf(db.pool, id)))).toEqual([['stockport site stockport 0.8'], ['stockport site stockport 0.8']]);
    await withConfig({ blogLocality: 'oldham' });
    expect(await reattributeCampaign(db.pool, hsm)).toMatchObject({ changed: 2 });
    expect(await Promise.all(commentIds.map((id) => attributionsOf(db.pool, id)))).toEqual([['oldham site oldham 0.8'], ['oldham site oldham 0.8']]);
    await withConfig({ blogLocality: null });
    expect(await reattributeCampaign(db.pool, hsm)).toMatchObject({ changed: 2 });
    expect(await Promise.all(commentIds.map((id) => attributionsOf(db.pool, id)))).toEqual([[], []]);
  });

  it('reports progress, stops at its signal and resumes where it stopped', async () => {
    await withConfig({ stockportKeywords: ['Merseyway'] });
    const controller = new AbortController();
    const progress: [number, number][] = [];
    const stopped = await reattributeCampaign(db.pool, hsm, {
      batchSize: 10,
      signal: controller.signal,
      onProgress: (done, total) => {
        progress.push([done, total]);
        if (done >= 20) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ posts: 20, completed: false });
    expect(progress).toEqual([
      [0, 41],
      [10, 41],
      [20, 41],
    ]);
    expect((await campaignsNeedingReattribution(db.pool)).find((c) => c.slug === 'hsm')).toMatchObject({ resumable: true });

    const resumedProgress: [number, number][] = [];
    const resumed = await reattributeCampaign(db.pool, hsm, { batchSize: 10, onProgress: (done, total) => resumedProgress.push([done, total]) });
    expect(resumed).toMatchObject({ posts: 21, completed: true });
    expect(stopped.changed + resumed.changed).toBe(6);
    expect(resumedProgress).toEqual([
      [20, 41],
      [30, 41],
      [40, 41],
      [41, 41],
      [41, 41],
    ]);
    expect(await Promise.all(merseywayIds().map((id) => attributionsOf(db.pool, id)))).toEqual(merseywayIds().map(() => ['stockport keyword Merseyway 0.9']));
  });

  it('starts over when the rules change in the middle of a walk', async () => {
    let synced = false;
    const result = await reattributeCampaign(db.pool, hsm, {
      batchSize: 10,
      onBatch: async () => {
        if (synced) return;
        synced = true;
        // Another process syncs a config change while this walk is part-way through.
        await withConfig({ stockportKeywords: ['Merseyway'] });
      },
    });
    expect(result).toMatchObject({ posts: 51, changed: 6, completed: true });
    expect(await campaignsNeedingReattribution(db.pool)).not.toContainEqual(expect.objectContaining({ slug: 'hsm' }));
    expect(await attributionsOf(db.pool, merseywayIds()[0]!)).toEqual(['stockport keyword Merseyway 0.9']);
  });

  it('two walks of one campaign at once share the work and both finish', async () => {
    await withConfig({ stockportKeywords: ['Merseyway'] });
    const [a, b] = await Promise.all([reattributeCampaign(db.pool, hsm, { batchSize: 5 }), reattributeCampaign(db.pool, hsm, { batchSize: 5 })]);
    expect(a.completed && b.completed).toBe(true);
    expect(a.posts + b.posts).toBe(41);
    expect(a.changed + b.changed).toBe(6);
    expect(await campaignsNeedingReattribution(db.pool)).not.toContainEqual(expect.objectContaining({ slug: 'hsm' }));
  });

  it('refuses a campaign that does not exist and a batch size out of range', async () => {
    await expect(reattributeCampaign(db.pool, 999_999)).rejects.toThrow('there is no campaign with id 999999');
    await expect(reattributeCampaign(db.pool, hsm, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
