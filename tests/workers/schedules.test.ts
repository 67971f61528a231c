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
      const collectors = new CollectorRegistry().register('x-search', noop);
      const first = await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(first).toEqual({ scheduled: ['rsahealth-x'], removed: [], unsupported: ['hsm-blog'] });
      const [scheduler] = await queue.getJobSchedulers();
      expect(scheduler).toMatchObject({ key: 'source:rsahealth-x', every: 900_000 });

      // Redis loses everything; a worker start puts it back.
      await queue.obliterate({ force: true });
      expect(await queue.getJobSchedulers()).toEqual([]);
      await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['source:rsahealth-x']);

      // Running it again (another worker starting) changes nothing; a disabled source loses its schedule.
      await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(await queue.getJobSchedulersCount()).toBe(1);
      await syncConfig(db.pool, campaignConfig(`
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`));
      const after = await rebuildSchedules(queue, await listSources(db.pool, { enabledOnly: true }), collectors, logger);
      expect(after.removed).toEqual(['rsahealth-x']);
      expect(await queue.getJobSchedulersCount()).toBe(0);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});
