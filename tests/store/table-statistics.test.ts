import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../../src/store/campaigns.js';
import { analyzeNeverAnalyzedIngestionTables } from '../../src/store/table-statistics.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { AUTHORS, attributionCampaign, tweet } from '../support/attribution-campaign.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, attributionCampaign());
});
afterAll(async () => db.close());

const reltuples = async (table: string) => (await db.pool.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [table])).rows[0]!.n;

describe('planner statistics for a fresh database', () => {
  it('analyses the ingestion tables once, when they have never been analysed, and leaves them alone after', async () => {
    const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
    await storeBatch(db.pool, { sourceId: source.id, campaignId: source.campaignId, authors: AUTHORS, posts: Array.from({ length: 50 }, (_, i) => tweet(`Post ${i} from #Stockport`)) });
    expect(await reltuples('posts')).toBe(-1);

    expect(await analyzeNeverAnalyzedIngestionTables(db.pool)).toEqual(['authors', 'engagement_snapshots', 'locality_attributions', 'post_sources', 'posts']);
    expect(await reltuples('posts')).toBe(50);
    expect(await reltuples('locality_attributions')).toBe(50);
    expect(await analyzeNeverAnalyzedIngestionTables(db.pool)).toEqual([]);
  });
});
