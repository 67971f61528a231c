import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ensureDatabaseExists, type Pool } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/db.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-services.js';
import { CampaignFakes, SITE_SOURCE, X_SOURCE } from './campaign-fakes.js';
import { startWorkerProcess, type CliProcess, type LogLine } from './cli-process.js';
import { expectGroundTruth, matchesTruth, readStoredState, runLedger, runsLeftRunning, uncoveredClaims } from './ground-truth.js';

// PostgreSQL goes away in the middle of a run, twice: once crashing (immediate shutdown: no
// checkpoint, and the last asynchronously committed pages may be lost) and once restarted cleanly
// (fast shutdown: every session terminated). The worker must ride it out without a crash loop, its
// jobs retried on later attempts, no page half-written, and the final database exact. The PostgreSQL
// server is the test's own: the shared one is never touched.

let pg: PrivatePostgres;
let pool: Pool;
let fakes: CampaignFakes;
const workers: CliProcess[] = [];
let databaseUrl = '';

beforeAll(async () => {
  pg = await startPrivatePostgres();
  databaseUrl = pg.url('groundswell');
  await ensureDatabaseExists(databaseUrl);
  await migrate(databaseUrl);
  pool = createPool(databaseUrl, { max: 3, applicationName: 'fault-suite-observer' });
  fakes = await CampaignFakes.start({ seed: 'postgres-restart', tweets: 1_800, comments: 800, pageDelayMs: PAGE_DELAY_MS });
});
afterAll(async () => {
  for (const worker of workers) await worker.kill();
  await fakes?.close();
  await pool?.end().catch(() => {});
  await pg?.close();
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, worker?: CliProcess): Promise<number> {
  const started = Date.now();
  for (;;) {
    // While PostgreSQL restarts, the observer's own queries fail too: that is not an answer.
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms${worker ? `\n${worker.tail()}` : ''}`);
    await sleep(100);
  }
}

const PAGE_DELAY_MS = 120;
/** While a burst is waited for, pages come slowly enough that a pass stays in flight for seconds. */
const SLOW_PAGE_DELAY_MS = 400;

/** Which of the two sources are in the middle of a pass (a page position in their cursor): one cheap query, polled. */
async function sourcesPaging(): Promise<number> {
  const { rows } = await pool.query<{ paging: number }>(`SELECT count(*) FILTER (WHERE cursor ? 'pass')::int AS paging FROM sources WHERE slug = ANY($1)`, [[X_SOURCE, SITE_SOURCE]]);
  return rows[0]?.paging ?? 0;
}
const bothPaging = async () => (await sourcesPaging()) === 2;
const anyPaging = async () => (await sourcesPaging()) > 0;

describe('PostgreSQL restarted in the middle of a run', () => {
  it('the worker rides out a crash and a restart: failed jobs are retried, no page is half-written, nothing is lost', async () => {
    const config = fakes.writeConfig({ every: '2s' });
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix('postgres-restart'), ...fakes.xEnvironment() };
    const logs: LogLine[] = [];
    const outages: { mode: string; downMs: number; workerUp: boolean; failedJobs: number }[] = [];
    let restarts = 0;
    let worker = startWorkerProcess(config, env, logs);
    workers.push(worker);
    await worker.waitForLog('worker ready');

    for (const mode of ['immediate', 'fast'] as const) {
      // A fresh burst on both fakes, so both sources are paging at the same moment when PostgreSQL goes.
      // Slow pages keep each pass in flight for seconds: a busy machine could otherwise finish the
      // whole burst between two looks.
      fakes.setPageDelay(SLOW_PAGE_DELAY_MS);
      fakes.addActivity(20, { tweets: 40, comments: 30 });
      // Both sources in flight is the sharpest case; on a busy machine their passes may not overlap,
      // so after a while one source in flight will do.
      await waitUntil('both sources paging', bothPaging, 10_000).catch(() => waitUntil('a source paging', anyPaging, 20_000, worker));
      const failedBefore = logs.filter((l) => l.json?.msg === 'ingestion job failed').length;
      await pg.stop(mode);
      const downAt = Date.now();
      fakes.setPageDelay(PAGE_DELAY_MS);
      await sleep(3_000);
      await pg.start();
      const downMs = Date.now() - downAt;
      // After crash recovery the cursors claim nothing that is not stored: each page's rows and its cursor committed (or were lost) together.
      const state = await readStoredState(pool);
      expect(uncoveredClaims(state, fakes.xTruth(), fakes.commentTruth()), `after the ${mode} restart`).toEqual([]);
      const workerUp = worker.running;
      if (!workerUp) {
        // A process that exits when its database goes away is acceptable only if it exits cleanly for its supervisor to restart.
        const exit = await worker.exited;
        expect(exit.code, `the worker exited during the ${mode} outage:\n${worker.tail()}`).not.toBeNull();
        restarts += 1;
        worker = startWorkerProcess(config, env, logs);
        workers.push(worker);
        await worker.waitForLog('worker ready');
      }
      fakes.addActivity(5);
      await waitUntil(`caught up after the ${mode} restart`, async () => matchesTruth(await readStoredState(pool), fakes.xTruth(), fakes.commentTruth()), 45_000, worker);
      outages.push({ mode, downMs, workerUp, failedJobs: logs.filter((l) => l.json?.msg === 'ingestion job failed').length - failedBefore });
    }

    expect(await worker.stop(), `SIGTERM at the end:\n${worker.tail()}`).toEqual({ code: 0, signal: null });
    const totals = await expectGroundTruth(pool, fakes);
    const ledger = await runLedger(pool);
    expect(runsLeftRunning(ledger)).toEqual([]);
    const sources = await pool.query<{ slug: string; status: string; last_error: string | null }>(`SELECT slug, status, last_error FROM sources WHERE slug = ANY($1) ORDER BY slug`, [[X_SOURCE, SITE_SOURCE]]);
    expect(sources.rows.map((s) => [s.slug, s.status, s.last_error])).toEqual([
      [SITE_SOURCE, 'ok', null],
      [X_SOURCE, 'ok', null],
    ]);
    // No crash loop: the worker stayed up through both outages.
    expect(restarts, 'worker restarts needed').toBe(0);
    // Retried, not spun: a bounded number of job failures per 3-second outage.
    for (const outage of outages) expect(outage.failedJobs, `failed jobs during the ${outage.mode} outage`).toBeLessThan(40);
    console.info(
      `[faults] postgres-restart: ${outages.map((o) => `${o.mode} shutdown, down ${(o.downMs / 1000).toFixed(1)} s, worker ${o.workerUp ? 'stayed up' : 'exited'}, ${o.failedJobs} job failures`).join('; ')}; ` +
        `${ledger.length} runs (${ledger.filter((r) => r.status === 'interrupted').length} interrupted, ${ledger.filter((r) => r.status === 'failed').length} failed); ${totals.xPosts} X posts and ${totals.comments} comments exact`,
    );
  }, 150_000);
});
