import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../../src/store/campaigns.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { findSourceBySlug, listSources, saveSourceCursor } from '../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';
import { authorsFor, campaignConfig, xPost } from '../support/fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());

describe('config sync', () => {
  it('adds everything on the first sync and changes nothing on the second', async () => {
    const first = await syncConfig(db.pool, campaignConfig());
    expect(first).toEqual({
      campaigns: { added: 1, updated: 0, disabled: 0 },
      localities: { added: 2, updated: 0, disabled: 0 },
      launches: { added: 1, updated: 0, disabled: 0 },
      sources: { added: 2, updated: 0, disabled: 0 },
    });
    const before = await db.pool.query('SELECT slug, updated_at FROM sources ORDER BY slug');
    const second = await syncConfig(db.pool, campaignConfig());
    expect(Object.values(second).every((c) => c.added === 0 && c.updated === 0 && c.disabled === 0)).toBe(true);
    const after = await db.pool.query('SELECT slug, updated_at FROM sources ORDER BY slug');
    expect(after.rows).toEqual(before.rows);
  });

  it('disables a removed source and keeps the posts collected through it', async () => {
    await syncConfig(db.pool, campaignConfig());
    const source = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
    const posts = [xPost(1), xPost(2)];
    await storeBatch(db.pool, { sourceId: source.id, campaignId: source.campaignId, posts, authors: authorsFor(posts), cursor: { after: 'x' } });

    const summary = await syncConfig(db.pool, campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }`));
    expect(summary.sources.disabled).toBe(1);
    const blog = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
    expect(blog).toMatchObject({ enabled: false, status: 'disabled' });
    expect((await listSources(db.pool, { enabledOnly: true })).map((s) => s.slug)).toEqual(['rsahealth-x']);
    const kept = await db.pool.query('SELECT count(*)::int AS n FROM post_sources WHERE source_id = $1', [blog.id]);
    expect(kept.rows[0].n).toBe(2);

    // Putting it back re-enables it where it was.
    const restored = await syncConfig(db.pool, campaignConfig());
    expect(restored.sources.updated).toBe(1);
    expect(await findSourceBySlug(db.pool, 'hsm-blog')).toMatchObject({ enabled: true, cursor: { after: 'x' } });
  });

  it('updates a changed interval and restarts a source whose query changed', async () => {
    await syncConfig(db.pool, campaignConfig());
    const x = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
    await saveSourceCursor(db.pool, x.id, { sinceId: '123' });

    await syncConfig(db.pool, campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 5m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`));
    expect(await findSourceBySlug(db.pool, 'rsahealth-x')).toMatchObject({ everyMs: 300_000, cursor: { sinceId: '123' } });

    await syncConfig(db.pool, campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth OR #HSMprimer", every: 5m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`));
    expect(await findSourceBySlug(db.pool, 'rsahealth-x')).toMatchObject({ settings: { query: '#RSAhealth OR #HSMprimer' }, cursor: {} });
  });

  it("keeps a site's cursors when only its politeness, sweep or locality settings change, and resets them when its URL does", async () => {
    await syncConfig(db.pool, campaignConfig());
    const blog = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
    await saveSourceCursor(db.pool, blog.id, { after: '2026-11-20T00:00:00Z' });
    await saveSourceCursor(db.pool, blog.id, { page: 4 }, 'sweep');

    await syncConfig(db.pool, campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h, locality: stockport, minInterval: 2s, sweep: { days: 3 } }`));
    expect(await findSourceBySlug(db.pool, 'hsm-blog')).toMatchObject({ settings: { locality: 'stockport' }, cursor: { after: '2026-11-20T00:00:00Z' }, laneCursors: { sweep: { page: 4 } } });

    await syncConfig(db.pool, campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: hsm-blog, kind: wordpress, url: "https://news.example.org", every: 1h }`));
    expect(await findSourceBySlug(db.pool, 'hsm-blog')).toMatchObject({ cursor: {}, laneCursors: {} });
  });

  it('disables a removed campaign with its sources, and leaves dashboard-added launches alone', async () => {
    await syncConfig(db.pool, campaignConfig());
    await db.pool.query(`INSERT INTO launches (campaign_id, slug, title, at, managed_by) SELECT id, 'staff-event', 'Staff event', now(), 'dashboard' FROM campaigns WHERE slug = 'hsm'`);
    await syncConfig(db.pool, campaignConfig());
    const launches = await db.pool.query(`SELECT slug, enabled FROM launches ORDER BY slug`);
    expect(launches.rows).toEqual([
      { slug: 'primer', enabled: true },
      { slug: 'staff-event', enabled: true },
    ]);

    const other = campaignConfig().map((c) => ({ ...c, slug: 'other', sources: [] }));
    const summary = await syncConfig(db.pool, other);
    expect(summary.campaigns).toMatchObject({ added: 1, disabled: 1 });
    expect(await listSources(db.pool, { enabledOnly: true })).toEqual([]);
  });
});
