import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/simulators/prng.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { CampaignFakes, SITE_SOURCE, X_SOURCE } from './campaign-fakes.js';
import { startWorkerProcess, type LogLine } from './cli-process.js';
import { expectGroundTruth, matchesTruth, readStoredState, runLedger, runsLeftRunning, uncoveredClaims } from './ground-truth.js';

// The worker is SIGKILLed at seeded random moments while it pages through X search results and blog
// comments, and restarted each time, as a crashing host or an OOM killer would treat it. New posts
// and comments keep arriving between lives. After the last restart it is left to finish: the
// database must then hold exactly what the fakes hold, and at every kill the cursors must claim
// nothing that is not stored.
//
// FAULT_KILLS scales the number of kills (default 20, as the issue asks); FAULT_SEED replays a run.

const KILLS = Number(process.env.FAULT_KILLS ?? 20);
const SEED = process.env.FAULT_SEED ?? 'kill-worker-1';

let db: TestDatabase;
let fakes: CampaignFakes;
beforeAll(async () => {
  db = await migratedDatabase();
  // Every search and comments page takes 120 ms more, so most kills land between pages.
  fakes = await CampaignFakes.start({ seed: SEED, tweets: 2_000, comments: 900, pageDelayMs: 120 });
});
afterAll(async () => {
  await fakes?.close();
  await db?.close();
});

interface Kill {
  /** Killed before it logged "worker ready" (while connecting, syncing config, rebuilding schedules). */
  whileBooting: boolean;
  /** Sources with a pass in flight (a run marked running) at the kill. */
  inFlight: string[];
  /** Of those, the ones whose cursor was between two pages. */
  midPagination: string[];
}

describe('a worker SIGKILLed at random points during X and comment ingestion', () => {
  it(`${KILLS} times, restarted each time, ends with exactly the fakes' posts and comments, each once, cursors at the newest`, async () => {
    const config = fakes.writeConfig({ every: '2s', minInterval: '20ms' });
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix('kill-worker'), ...fakes.xEnvironment() };
    const random = createRandom(SEED);
    const logs: LogLine[] = [];
    const kills: Kill[] = [];
    const bootMs: number[] = [];
    const started = Date.now();

    for (let life = 0; life < KILLS; life += 1) {
      // Each life has new pages to read: a few minutes of campaign activity arrive on both fakes.
      if (life > 0) fakes.addActivity(6, { tweets: 50, comments: 40 });
      const worker = startWorkerProcess(config, env, logs);
      const spawnedAt = Date.now();
      // One kill in five lands at a random moment of start-up; the others while it works, up to 1.4 s after it is ready.
      const whileBooting = random.chance(0.2);
      if (whileBooting) {
        await sleep(random.int(150, 1_000));
      } else {
        await worker.waitForLog('worker ready', 30_000);
        bootMs.push(Date.now() - spawnedAt);
        await sleep(random.int(100, 1_400));
      }
      expect(worker.running, `the worker exited on its own before kill ${life + 1}:\n${worker.tail()}`).toBe(true);
      const before = await readStoredState(db.pool);
      const inFlight = await db.pool.query<{ slug: string }>(`SELECT DISTINCT s.slug FROM ingestion_runs r JOIN sources s ON s.id = r.source_id WHERE r.status = 'running'`);
      await worker.kill();
      const sources = inFlight.rows.map((r) => r.slug).sort();
      const paging: Record<string, boolean> = { [X_SOURCE]: 'pass' in before.xCursor, [SITE_SOURCE]: 'pass' in before.siteCursor };
      kills.push({
        whileBooting: !worker.lines.some((l) => l.json?.msg === 'worker ready'),
        inFlight: sources,
        midPagination: sources.filter((slug) => paging[slug] === true),
      });
      // Whatever the moment, the cursors claim only what is stored: each page's rows and its cursor committed together.
      const after = await readStoredState(db.pool);
      expect(uncoveredClaims(after, fakes.xTruth(), fakes.commentTruth()), `after kill ${life + 1}`).toEqual([]);
    }

    // The last life: more activity, then the worker is left to catch up with everything.
    fakes.addActivity(5);
    const killsDoneAt = Date.now();
    const worker = startWorkerProcess(config, env, logs);
    const deadline = Date.now() + 60_000;
    while (!matchesTruth(await readStoredState(db.pool), fakes.xTruth(), fakes.commentTruth())) {
      if (Date.now() > deadline) break;
      expect(worker.running, `the final worker exited:\n${worker.tail()}`).toBe(true);
      await sleep(250);
    }
    const caughtUpMs = Date.now() - killsDoneAt;
    const exit = await worker.stop();
    expect(exit, `SIGTERM drains and exits cleanly:\n${worker.tail()}`).toEqual({ code: 0, signal: null });

    const totals = await expectGroundTruth(db.pool, fakes);
    const ledger = await runLedger(db.pool);
    expect(runsLeftRunning(ledger), 'runs left running after a later run of the same source and kind started').toEqual([]);
    // The kills did land where they hurt: in the middle of X pagination and of comment pagination.
    const midX = kills.filter((k) => k.midPagination.includes(X_SOURCE)).length;
    const midSite = kills.filter((k) => k.midPagination.includes(SITE_SOURCE)).length;
    if (KILLS >= 10) {
      expect(midX, 'kills during X pagination').toBeGreaterThan(0);
      expect(midSite, 'kills during comment pagination').toBeGreaterThan(0);
    }
    // Nothing ever failed for a reason other than the kills themselves.
    expect(ledger.filter((r) => r.status === 'failed'), 'failed runs').toEqual([]);

    console.info(
      `[faults] kill-worker: ${kills.length} SIGKILLs in ${((killsDoneAt - started) / 1000).toFixed(1)} s ` +
        `(${kills.filter((k) => k.whileBooting).length} while booting, ${kills.filter((k) => k.inFlight.length > 0).length} with a pass in flight, ` +
        `${midX} mid X pagination, ${midSite} mid comment pagination; start-up to "worker ready" ${Math.min(...bootMs)}–${Math.max(...bootMs)} ms); ` +
        `caught up ${(caughtUpMs / 1000).toFixed(1)} s after the last restart; ${totals.xPosts} X posts and ${totals.comments} comments exact; ` +
        `${ledger.length} runs (${ledger.filter((r) => r.status === 'interrupted').length} closed as interrupted)`,
    );
  }, 240_000);
});
