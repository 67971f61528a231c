import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../../src/store/campaigns.js';
import { createPool } from '../../src/store/db.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { tombstonePosts, upsertPosts } from '../../src/store/posts.js';
import { findSourceBySlug, type SourceRow } from '../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';
import { authorsFor, campaignConfig, xPost } from '../support/fixtures.js';

let db: TestDatabase;
let source: SourceRow;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
});
afterAll(async () => db.close());

const count = async (table: string) => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
const batchOf = (ids: number[]) => ids.map((id) => xPost(id));
const into = () => ({ sourceId: source.id, campaignId: source.campaignId });

describe('post upserts', () => {
  it('store each post once when the same batch is upserted twice, and update what changed', async () => {
    const posts = batchOf([1, 2, 3]);
    const first = await upsertPosts(db.pool, posts, authorsFor(posts), into());
    expect(first).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 });

    const again = await upsertPosts(db.pool, posts, authorsFor(posts), into());
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });

    const edited = [xPost(1, { text: 'edited text', editHistoryIds: ['a', 'b'] }), xPost(2, { metrics: { likes: 40, reposts: 2, replies: 1, quotes: 0 } }), xPost(3)];
    expect(await upsertPosts(db.pool, edited, authorsFor(edited), into())).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });

    const rows = await db.pool.query(`SELECT external_id, text, like_count, edit_history_ids FROM posts ORDER BY external_id`);
    expect(rows.rows).toHaveLength(3);
    expect(rows.rows[0]).toMatchObject({ text: 'edited text', edit_history_ids: ['a', 'b'] });
    expect(rows.rows[1]).toMatchObject({ like_count: 40 });
    expect(await count('post_sources')).toBe(3);
    // One snapshot when first seen, one more for the post whose engagement changed (and the edit).
    expect(await count('engagement_snapshots')).toBe(5);
  });

  it('keep only the last copy of a post repeated inside one batch', async () => {
    const posts = [xPost(10, { text: 'first' }), xPost(10, { text: 'second' })];
    expect(await upsertPosts(db.pool, posts, authorsFor(posts), into())).toMatchObject({ inserted: 1 });
    const row = await db.pool.query(`SELECT text FROM posts WHERE external_id = $1`, [xPost(10).externalId]);
    expect(row.rows[0].text).toBe('second');
  });

  it('never bring a tombstoned post back', async () => {
    const post = xPost(20);
    await upsertPosts(db.pool, [post], authorsFor([post]), into());
    await db.pool.query(`UPDATE posts SET deleted_at = now(), deleted_reason = 'deleted', text = NULL, raw = NULL WHERE external_id = $1`, [post.externalId]);
    expect(await upsertPosts(db.pool, [post], authorsFor([post]), into())).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const row = await db.pool.query(`SELECT text, deleted_at IS NOT NULL AS deleted FROM posts WHERE external_id = $1`, [post.externalId]);
    expect(row.rows[0]).toEqual({ text: null, deleted: true });
  });

  it('store text PostgreSQL would reject (NUL bytes, a split emoji) instead of failing the batch', async () => {
    const post = xPost(30, { text: `bad\u0000text \uD83D`, raw: { text: 'half an emoji \uD83D' } });
    await upsertPosts(db.pool, [post], authorsFor([post]), into());
    const row = await db.pool.query(`SELECT text FROM posts WHERE external_id = $1`, [post.externalId]);
    expect(row.rows[0].text).toBe('badtext \uFFFD');
  });

  it('store every column as sent: any text in the edit history, and absent JSON values as NULL', async () => {
    const post = xPost(31, { editHistoryIds: ['a"b', 'c\\d', 'e,f', '{g}', 'NULL'], place: null, context: undefined, referenced: [], metrics: { likes: 1, reposts: 2, replies: 3, quotes: 4, impressions: 5_000_000_000 } });
    await upsertPosts(db.pool, [post], authorsFor([post]), into());
    const row = await db.pool.query(
      `SELECT edit_history_ids, place IS NULL AS no_place, context IS NULL AS no_context, referenced IS NULL AS no_referenced,
              like_count, repost_count, reply_count, quote_count, impression_count::text, created_at FROM posts WHERE external_id = $1`,
      [post.externalId],
    );
    expect(row.rows[0]).toEqual({
      edit_history_ids: ['a"b', 'c\\d', 'e,f', '{g}', 'NULL'],
      no_place: true,
      no_context: true,
      no_referenced: true,
      like_count: 1,
      repost_count: 2,
      reply_count: 3,
      quote_count: 4,
      impression_count: '5000000000',
      created_at: post.createdAt,
    });
  });

  it('store each post once when two overlapping batches are upserted concurrently from two connections, without deadlock', async () => {
    const other = createPool(db.url, { max: 2 });
    try {
      for (let round = 0; round < 5; round += 1) {
        const base = 1_000 + round * 1_000;
        const a = batchOf(Array.from({ length: 400 }, (_, i) => base + i));
        // Overlaps the first batch by half, in the opposite order, to provoke lock-order deadlocks.
        const b = batchOf(Array.from({ length: 400 }, (_, i) => base + 599 - i));
        const [ra, rb] = await Promise.all([
          storeBatch(db.pool, { ...into(), posts: a, authors: authorsFor(a) }),
          storeBatch(other, { ...into(), posts: b, authors: authorsFor(b) }),
        ]);
        expect(ra.inserted + rb.inserted).toBe(600);
      }
      const dupes = await db.pool.query(`SELECT count(*)::int AS n FROM (SELECT platform, external_id FROM posts GROUP BY 1, 2 HAVING count(*) > 1) d`);
      expect(dupes.rows[0].n).toBe(0);
      expect(await count('posts')).toBeGreaterThanOrEqual(3_000);
    } finally {
      await other.end();
    }
  });

  it('write the cursor only together with the rows it covers', async () => {
    const good = batchOf([900_000]);
    await storeBatch(db.pool, { ...into(), posts: good, authors: authorsFor(good), cursor: { sinceId: 'good' } });
    // created_at is required: this batch fails inside the transaction, after the authors were written.
    const broken = [xPost(900_001, { createdAt: new Date('invalid') })];
    await expect(storeBatch(db.pool, { ...into(), posts: broken, authors: authorsFor(broken), cursor: { sinceId: 'bad' } })).rejects.toThrow();
    expect((await findSourceBySlug(db.pool, 'rsahealth-x'))!.cursor).toEqual({ sinceId: 'good' });
    const row = await db.pool.query(`SELECT count(*)::int AS n FROM posts WHERE external_id = $1`, [xPost(900_001).externalId]);
    expect(row.rows[0].n).toBe(0);
  });

  it('purge a removed post to a tombstone of ids, times and reason, in the same transaction as the rest of the page', async () => {
    const posts = batchOf([950_000, 950_001]);
    await storeBatch(db.pool, { ...into(), posts, authors: authorsFor(posts) });
    const [gone] = await db.pool.query<{ id: number }>(`SELECT id FROM posts WHERE external_id = $1`, [posts[0]!.externalId]).then((r) => r.rows);
    await db.pool.query(
      `INSERT INTO localities (campaign_id, slug, name) VALUES ($1, 'purge-test', 'Purge test') ON CONFLICT DO NOTHING`,
      [source.campaignId],
    );
    await db.pool.query(
      `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence)
       SELECT $1, l.id, $2, now(), 'keyword', 'Stockport', 0.9 FROM localities l WHERE l.slug = 'purge-test'`,
      [gone!.id, source.campaignId],
    );
    const later = batchOf([950_002]);
    const result = await storeBatch(db.pool, {
      ...into(),
      posts: later,
      authors: authorsFor(later),
      removed: [{ platform: 'x', externalId: posts[0]!.externalId, reason: 'deleted' }, { platform: 'x', externalId: 'never-seen', reason: 'deleted' }],
      cursor: { sinceId: 'after-purge' },
    });
    expect(result).toMatchObject({ inserted: 1, removed: 1 });
    const row = await db.pool.query(
      `SELECT external_id, text, html, url, raw, author_id, place, context, created_at IS NOT NULL AS has_time, deleted_reason, deleted_at IS NOT NULL AS deleted
       FROM posts WHERE external_id = $1`,
      [posts[0]!.externalId],
    );
    expect(row.rows[0]).toEqual({
      external_id: posts[0]!.externalId, text: null, html: null, url: null, raw: null, author_id: null, place: null, context: null,
      has_time: true, deleted_reason: 'deleted', deleted: true,
    });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM locality_attributions WHERE post_id = $1`, [gone!.id])).rows[0].n).toBe(0);
    // The other post is untouched, and purging again changes nothing.
    expect((await db.pool.query(`SELECT text FROM posts WHERE external_id = $1`, [posts[1]!.externalId])).rows[0].text).not.toBeNull();
    expect(await tombstonePosts(db.pool, [{ platform: 'x', externalId: posts[0]!.externalId, reason: 'other' }])).toEqual([]);
  });

  it('keep each kind of pass at its own resume position', async () => {
    const page = batchOf([960_000]);
    await storeBatch(db.pool, { ...into(), posts: page, authors: authorsFor(page), cursor: { sweepPage: 3 }, pass: 'sweep' });
    await storeBatch(db.pool, { ...into(), posts: page, authors: authorsFor(page), cursor: { sinceId: 'incremental' } });
    const stored = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
    expect(stored.cursor).toEqual({ sinceId: 'incremental' });
    expect(stored.laneCursors).toEqual({ sweep: { sweepPage: 3 } });
  });
});
