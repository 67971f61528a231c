import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../src/config/env.js';
import type { AppConfig } from '../../src/config/index.js';
import { CollectorRegistry } from '../../src/ingestion/collector.js';
import { createLogger } from '../../src/observability/logger.js';
import { createCollectorRegistry } from '../../src/sources/index.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { findSourceBySlug, listSources } from '../../src/store/sources.js';
import { createIngestQueue } from '../../workers/queues.js';
import { rebuildSchedules } from '../../workers/schedules.js';
import { startWorker } from '../../workers/worker.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { campaignConfig } from '../support/fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
});
afterAll(async () => db.close());

const logger = createLogger({ level: 'silent' });
const noop = () => ({ fetchPage: () => Promise.reject(new Error('not used')) });

describe('job schedules', () => {
  it('are rebuilt from PostgreSQL after Redis lost them, one per enabled source this build can collect', async () => {
    const queue = createIngestQueue(TEST_REDIS_URL, redisPrefix('schedules'));
    try {
      const collectors = new CollectorRegistry().register('x-search', (_source, pass) => (pass.kind === 'incremental' ? noop() : undefined));
      const first = await rebuildSchedules(queue, await listSources(db.pool), collectors, logger);
      expect(first).toEqual({
        scheduled: ['rsahealth-x'],
        removed: [],
        unsupported: ['hsm-blog'],
        misconfigured: [],
        other: ['refresh:hsm', 'compliance:hsm', 'maintenance:rollups', 'maintenance:reattribute'],
      });
      const keys = async () => (await queue.getJobSchedulers()).map((s) => `${s.key}@${s.every}`).sort();
      const expected = ['compliance:hsm@3600000', 'maintenance:reattribute@300000', 'maintenance:rollups@60000', 'refresh:hsm@300000', 'source:rsahealth-x@900000'];
      expect(await keys()).toEqual(expected);

      // Redis loses everything; a worker start puts it back.
      await queue.obliterate({ force: true });
      expect(await queue.getJobSchedulers()).toEqual([]);
      await rebuildSchedules(queue, await listSources(db.pool), collectors, logger);
      expect(await keys()).toEqual(expected);

      // Running it again (another worker starting) changes nothing; a disabled source loses its schedule.
      await rebuildSchedules(queue, await listSources(db.pool), collectors, logger);
      expect(await queue.getJobSchedulersCount()).toBe(expected.length);
      await syncConfig(db.pool, campaignConfig(`
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`));
      const after = await rebuildSchedules(queue, await listSources(db.pool), collectors, logger);
      expect(after.removed).toEqual(['rsahealth-x']);
      // The X posts it collected are still stored, so their refresh and compliance checks go on.
      expect(await keys()).toEqual(['compliance:hsm@3600000', 'maintenance:reattribute@300000', 'maintenance:rollups@60000', 'refresh:hsm@300000']);

      // So they do when the whole campaign leaves the config (its sources are disabled with it).
      await syncConfig(db.pool, []);
      expect((await rebuildSchedules(queue, await listSources(db.pool), collectors, logger)).removed).toEqual([]);
      expect(await keys()).toEqual(['compliance:hsm@3600000', 'maintenance:reattribute@300000', 'maintenance:rollups@60000', 'refresh:hsm@300000']);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });

  it('give each site offering a reconciliation sweep its own schedule, at the interval its config sets', async () => {
    const queue = createIngestQueue(TEST_REDIS_URL, redisPrefix('sweeps'));
    try {
      await syncConfig(db.pool, campaignConfig(`
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h, sweep: { every: 6h, days: 3 } }`));
      const collectors = new CollectorRegistry().register('wordpress', (_source, pass) => (pass.kind === 'incremental' || pass.kind === 'sweep' ? noop() : undefined));
      const summary = await rebuildSchedules(queue, await listSources(db.pool), collectors, logger);
      expect(summary.other).toContain('sweep:hsm-blog');
      const sweep = (await queue.getJobSchedulers()).find((s) => s.key === 'sweep:hsm-blog');
      expect(sweep).toMatchObject({ every: 6 * 3_600_000, name: 'sweep' });
      // This build collects no X here, so no refresh or compliance (which need X) for the campaign.
      expect((await queue.getJobSchedulers()).some((s) => s.key.startsWith('refresh:') || s.key.startsWith('compliance:'))).toBe(false);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });

  describe('with one stored source whose settings are invalid', () => {
    const sources = `
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }
      - { slug: hsm-feed, kind: feed, url: "https://blog.example.org/comments/feed/", every: 1h }`;
    // The config file's schema would refuse these: they are what a hand edit or an older version leaves in the table.
    const breakSettings = async () => {
      await syncConfig(db.pool, campaignConfig(sources));
      await db.pool.query(`UPDATE sources SET settings = jsonb_set(settings, '{url}', '"ftp://blog.example.org"') WHERE slug = 'hsm-blog'`);
      await db.pool.query(`UPDATE sources SET settings = settings - 'url' WHERE slug = 'hsm-feed'`);
    };
    const emptyPage = () => ({ fetchPage: () => Promise.resolve({ posts: [], authors: [], dropped: [], fetched: 0, cursor: {}, done: true }) });
    const configWith = (prefix: string): AppConfig => ({
      env: parseEnvironment({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }),
      campaigns: campaignConfig(sources),
      configPath: 'schedules.test',
    });
    // The collectors this build ships (WordPress sweeps included), with an X search that finds nothing.
    const shippedCollectors = (config: AppConfig) =>
      createCollectorRegistry(config, { db: db.pool }).register('x-search', (_source, pass) => (pass.kind === 'incremental' ? emptyPage() : undefined));

    it('leave that source unscheduled, say which setting is wrong, and schedule every other source', async () => {
      await breakSettings();
      const prefix = redisPrefix('misconfigured');
      const queue = createIngestQueue(TEST_REDIS_URL, prefix);
      try {
        const summary = await rebuildSchedules(queue, await listSources(db.pool), shippedCollectors(configWith(prefix)), logger);
        expect(summary.scheduled).toEqual(['rsahealth-x']);
        expect(summary.misconfigured).toEqual([
          { sourceId: expect.any(Number), slug: 'hsm-blog', code: 'CONFIG_INVALID', reason: expect.stringMatching(/^source hsm-blog has invalid settings \(url: .+\)/) },
          { sourceId: expect.any(Number), slug: 'hsm-feed', code: 'CONFIG_INVALID', reason: expect.stringMatching(/^source hsm-feed has invalid settings \(url: .+\)/) },
        ]);
        expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
          'compliance:hsm',
          'maintenance:reattribute',
          'maintenance:rollups',
          'refresh:hsm',
          'source:rsahealth-x',
        ]);
      } finally {
        await queue.obliterate({ force: true }).catch(() => {});
        await queue.close();
      }
    });

    it('still let a worker start, and mark that source failing with the reason so campaign staff see why it does not run', async () => {
      await breakSettings();
      const config = configWith(redisPrefix('misconfigured-worker'));
      const queue = createIngestQueue(TEST_REDIS_URL, config.env.REDIS_PREFIX);
      const worker = await startWorker(config, db.pool, logger, { collectors: shippedCollectors(config), drainTimeoutMs: 5_000 });
      try {
        expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain('source:rsahealth-x');
        const blog = await findSourceBySlug(db.pool, 'hsm-blog');
        // Failing, but not run: the dashboard must not show a run that never happened.
        expect(blog).toMatchObject({ status: 'failing', lastErrorCode: 'CONFIG_INVALID', lastError: expect.stringMatching(/^source hsm-blog has invalid settings \(url: /), lastRunAt: null });
        expect(await findSourceBySlug(db.pool, 'hsm-feed')).toMatchObject({ status: 'failing', lastErrorCode: 'CONFIG_INVALID' });
        // A second worker finds the same problem and leaves the row as the first wrote it.
        const errorAt = async () => (await db.pool.query<{ at: Date }>(`SELECT last_error_at AS at FROM sources WHERE slug = 'hsm-blog'`)).rows[0]!.at;
        const firstFound = await errorAt();
        const second = await startWorker(config, db.pool, logger, { collectors: shippedCollectors(config), drainTimeoutMs: 5_000 });
        await second.close();
        expect(await errorAt()).toEqual(firstFound);
      } finally {
        await worker.close();
        await queue.obliterate({ force: true }).catch(() => {});
        await queue.close();
      }
    });
  });
});
