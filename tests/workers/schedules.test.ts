import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorRegistry } from '../../src/ingestion/collector.js';
import { createLogger } from '../../src/observability/logger.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { listSources } from '../../src/store/sources.js';
import { createIngestQueue } from '../../workers/queues.js';
import { rebuildSchedules } from '../../workers/schedules.js';
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
      const first = await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(first).toEqual({
        scheduled: ['rsahealth-x'],
        removed: [],
        unsupported: ['hsm-blog'],
        other: ['refresh:hsm', 'compliance:hsm', 'maintenance:rollups', 'maintenance:reattribute'],
      });
      const keys = async () => (await queue.getJobSchedulers()).map((s) => `${s.key}@${s.every}`).sort();
      const expected = ['compliance:hsm@3600000', 'maintenance:reattribute@300000', 'maintenance:rollups@60000', 'refresh:hsm@300000', 'source:rsahealth-x@900000'];
      expect(await keys()).toEqual(expected);

      // Redis loses everything; a worker start puts it back.
      await queue.obliterate({ force: true });
      expect(await queue.getJobSchedulers()).toEqual([]);
      await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(await keys()).toEqual(expected);

      // Running it again (another worker starting) changes nothing; a disabled source loses its schedule.
      await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(await queue.getJobSchedulersCount()).toBe(expected.length);
      await syncConfig(db.pool, campaignConfig(`
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`));
      const after = await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(after.removed.sort()).toEqual(['compliance:hsm', 'refresh:hsm', 'rsahealth-x']);
      expect(await keys()).toEqual(['maintenance:reattribute@300000', 'maintenance:rollups@60000']);
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
      const summary = await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(summary.other).toContain('sweep:hsm-blog');
      const sweep = (await queue.getJobSchedulers()).find((s) => s.key === 'sweep:hsm-blog');
      expect(sweep).toMatchObject({ every: 6 * 3_600_000, name: 'sweep' });
      // No X source, so no refresh or compliance for the campaign.
      expect((await queue.getJobSchedulers()).some((s) => s.key.startsWith('refresh:'))).toBe(false);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});
