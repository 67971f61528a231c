import cliProgress from 'cli-progress';
import { loadConfig } from '../src/config/index.js';
import { credentialFingerprint, RateBudget } from '../src/ingestion/rate-budget.js';
import { runPass } from '../src/ingestion/run-pass.js';
import { createRedis } from '../src/runtime/redis.js';
import { compileQuery, generateXDataset, matchableFromTweet, startFakeXApi } from '../src/simulators/x-api/index.js';
import { planXBackfill } from '../src/sources/x/backfill.js';
import { createXClient } from '../src/sources/x/client.js';
import { syncConfig } from '../src/store/campaigns.js';
import { findSourceBySlug } from '../src/store/sources.js';
import { throwawayDatabase } from './support/throwaway-database.js';

// A long backfill against a small rate-limit window: does it use the window fully without ever
// drawing a 429? The fake X API runs in this process so its request log can be read.
//   BENCH_BACKFILL_POSTS=40000 BENCH_WINDOW_LIMIT=20 BENCH_WINDOW_MS=2000 npx tsx bench/x-backfill-budget.ts

const POSTS = Number(process.env.BENCH_BACKFILL_POSTS ?? 40_000);
const LIMIT = Number(process.env.BENCH_WINDOW_LIMIT ?? 20);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2_000);
const TOKEN = 'bench-backfill-token';

const db = await throwawayDatabase('x_backfill');
const now = Date.now();
const dataset = generateXDataset({ seed: 7, count: POSTS, start: new Date(now - 6 * 86_400_000), end: new Date(now - 3_600_000) });
const users = new Map(dataset.users.map((u) => [u.id, u]));
const matches = compileQuery('#RSAhealth');
const matching = dataset.tweets.filter((t) => matches(matchableFromTweet(t, (id) => users.get(id)))).length;
// Recent search only, so pages are 100 posts and the run is long enough to span many windows.
const fake = await startFakeXApi({ bearerToken: TOKEN, dataset, fullArchiveAccess: false, rateLimits: { 'search/recent': { limit: LIMIT, windowMs: WINDOW_MS } } });
const redis = createRedis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'groundswell-bench' });
const prefix = `gs-bench-${process.pid}:ratelimit:`;
try {
  await redis.connect();
  const config = await loadConfig({ configPath: 'examples/rsahealth.yaml' });
  await syncConfig(db.pool, config.campaigns);
  const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
  const rateBudget = new RateBudget(redis, { keyPrefix: prefix }).for({ api: 'x', credential: credentialFingerprint(TOKEN) });
  const plan = await planXBackfill({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }), rateBudget }, '#RSAhealth', { since: new Date(now - 7 * 86_400_000), until: new Date() });
  console.log(`backfill of ${matching.toLocaleString('en-GB')} matching posts through recent search, window ${LIMIT} requests per ${WINDOW_MS / 1000} s; ${plan.expectedRequests} requests expected`);

  const bar = new cliProgress.SingleBar({ format: 'backfill |{bar}| {value}/{total} posts · waits {waits}', noTTYOutput: true, notTTYSchedule: 5_000 }, cliProgress.Presets.shades_classic);
  bar.start(plan.expectedPosts, 0, { waits: 0 });
  fake.clearRequests();
  const started = Date.now();
  const outcome = await runPass(db.pool, source, plan.collector, {
    kind: 'backfill',
    trigger: 'cli',
    waitOnRateLimit: true,
    onPage: (counts) => bar.update(counts.fetched, { waits: counts.rateLimitWaits }),
  });
  const elapsedMs = Date.now() - started;
  bar.stop();
  if (outcome.status !== 'succeeded') throw new Error(`backfill did not succeed: ${JSON.stringify(outcome)}`);

  const searches = fake.requests().filter((r) => r.path === '/2/tweets/search/recent');
  const ok = searches.filter((r) => r.status === 200).length;
  const tooMany = searches.filter((r) => r.status === 429).length;
  // The fake opens a window at its first request; count the windows the run touched.
  const windows: number[] = [];
  for (const r of searches) {
    const t = r.at.getTime();
    if (windows.length === 0 || t >= windows[windows.length - 1]! + WINDOW_MS) windows.push(t);
  }
  const fullWindows = Math.max(1, windows.length - 1);
  const inFullWindows = searches.filter((r) => r.status === 200 && r.at.getTime() < windows[windows.length - 1]!).length;
  console.log('');
  console.log(`requests sent: ${searches.length} (${ok} answered 200, ${tooMany} answered 429; target 0)`);
  console.log(`windows used: ${windows.length}; requests in the ${fullWindows} complete window(s): ${inFullWindows} of ${fullWindows * LIMIT} allowed = ${((100 * inFullWindows) / (fullWindows * LIMIT)).toFixed(1)}% (target ≥ 95%)`);
  console.log(`over wall time: ${ok} requests in ${(elapsedMs / 1000).toFixed(1)} s, against ${LIMIT} per ${WINDOW_MS / 1000} s = ${((100 * ok) / ((elapsedMs / WINDOW_MS) * LIMIT)).toFixed(1)}% of the nominal rate (the fake rounds each reset up to a whole second)`);
  console.log(`posts stored: ${outcome.counts.newCount.toLocaleString('en-GB')}; rate-limit waits: ${outcome.counts.rateLimitWaits}`);
} finally {
  const keys = await redis.keys(`${prefix}*`).catch(() => []);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await fake.close();
  await db.drop();
}
