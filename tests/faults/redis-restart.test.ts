import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase, redisPrefix, type TestDatabase } from '../support/db.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services.js';
import { CampaignFakes } from './campaign-fakes.js';
import { startWorkerProcess, type CliProcess } from './cli-process.js';
import { expectGroundTruth, matchesTruth, readStoredState, runLedger, runsLeftRunning, uncoveredClaims } from './ground-truth.js';

// Redis keeps nothing on disk (the README's setup): when it restarts, every queue, job scheduler,
// lock and rate-limit budget is gone. The worker must survive the outage, and the schedules must come
// back from PostgreSQL, with nothing lost. This Redis is the test's own: the shared one is never touched.

let db: TestDatabase;
let fakes: CampaignFakes;
let redis: PrivateRedis;
const workers: CliProcess[] = [];
beforeAll(async () => {
  db = await migratedDatabase();
  redis = await startPrivateRedis();
  fakes = await CampaignFakes.start({ seed: 'redis-restart', tweets: 1_500, comments: 700, pageDelayMs: 150 });
});
afterAll(async () => {
  for (const worker of workers) await worker.kill();
  await fakes?.close();
  await redis?.close();
  await db?.close();
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, worker?: CliProcess): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms${worker ? `\n${worker.tail()}` : ''}`);
    await sleep(100);
  }
  return Date.now() - started;
}

async function schedulerKeys(prefix: string): Promise<string[]> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await client.zrange(`${prefix}:ingest:repeat`, '0', '-1');
    return keys.sort();
  } finally {
    client.disconnect();
  }
}

/** Starts a worker, waits until both sources are paging, then kills Redis and brings it back empty after `downMs`. */
async function restartRedisMidRun(worker: CliProcess, prefix: string, downMs = 2_000): Promise<void> {
  await worker.waitForLog('worker ready');
  expect(await schedulerKeys(prefix)).toEqual(expect.arrayContaining(['source:rsahealth-x', 'source:hsm-blog']));
  await waitUntil('both sources paging', async () => {
    const state = await readStoredState(db.pool);
    return 'pass' in state.xCursor && 'pass' in state.siteCursor;
  }, 20_000, worker);
  await redis.kill();
  await sleep(downMs);
  await redis.start();
  // The new Redis starts empty (no persistence); a worker still running may already be putting its
  // schedules back, so what is there now is either nothing or exactly what PostgreSQL says.
  expect(uncoveredClaims(await readStoredState(db.pool), fakes.xTruth(), fakes.commentTruth())).toEqual([]);
}

const caughtUp = async () => matchesTruth(await readStoredState(db.pool), fakes.xTruth(), fakes.commentTruth());

describe('Redis restarted with its data gone in the middle of a run', () => {
  it('the worker stays up and stops cleanly; restarted, it rebuilds every schedule from PostgreSQL and nothing is lost', async () => {
    const config = fakes.writeConfig({ every: '2s' });
    const prefix = redisPrefix('redis-restart');
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...fakes.xEnvironment() };

    const first = startWorkerProcess(config, env);
    workers.push(first);
    await restartRedisMidRun(first, prefix);
    const expectedSchedules = ['compliance:hsm', 'maintenance:reattribute', 'maintenance:rollups', 'refresh:hsm', 'source:hsm-blog', 'source:rsahealth-x', 'sweep:hsm-blog'];
    // Passes in flight when Redis went away carry on (they need only PostgreSQL and the fakes).
    await sleep(3_000);
    expect(first.running, `the worker died with Redis:\n${first.tail()}`).toBe(true);
    expect(await first.stop(), `SIGTERM after the outage:\n${first.tail()}`).toEqual({ code: 0, signal: null });

    // As an operator (or a service manager) restarts it:
    fakes.addActivity(5);
    const second = startWorkerProcess(config, env);
    workers.push(second);
    await second.waitForLog('worker ready');
    expect(await schedulerKeys(prefix)).toEqual(expectedSchedules);
    const catchUpMs = await waitUntil('caught up after the worker restart', caughtUp, 40_000, second);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    const totals = await expectGroundTruth(db.pool, fakes);
    expect(runsLeftRunning(await runLedger(db.pool))).toEqual([]);
    console.info(`[faults] redis-restart: worker survived a 2 s Redis outage that lost every key; restarted, it rebuilt ${expectedSchedules.length} schedules and caught up in ${(catchUpMs / 1000).toFixed(1)} s; ${totals.xPosts} X posts and ${totals.comments} comments exact`);
  }, 90_000);

  it('a worker left running puts its schedules back by itself once Redis answers again, and catches up', async () => {
    const config = fakes.writeConfig({ every: '2s' });
    const prefix = redisPrefix('redis-self-heal');
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...fakes.xEnvironment() };
    // A long burst, so both sources are paging when Redis goes.
    fakes.addActivity(30, { tweets: 40, comments: 25 });
    const worker = startWorkerProcess(config, env);
    workers.push(worker);
    await restartRedisMidRun(worker, prefix);
    fakes.addActivity(5);
    // Without its schedules the worker idles for ever, though it looks healthy: nothing but a restart would bring ingestion back.
    await waitUntil('schedules back in Redis without a restart', async () => (await schedulerKeys(prefix)).includes('source:rsahealth-x'), 20_000, worker);
    // …because the worker saw them gone and rebuilt them, not because they survived.
    await worker.waitForLog('Redis had lost the job schedules');
    await waitUntil('caught up without a restart', caughtUp, 30_000, worker);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
    await expectGroundTruth(db.pool, fakes);
  }, 90_000);
});
