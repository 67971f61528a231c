import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import type pg from 'pg';
import { chromium } from 'playwright-core';
import { rebuildRollups } from '../src/analytics/index.js';
import { hashPassword } from '../src/http/auth/passwords.js';
import { hashToken, newApiToken } from '../src/http/auth/tokens.js';
import { createApiToken } from '../src/store/api-tokens.js';
import { createUser } from '../src/store/users.js';
import { startHelperProcess } from './support/child.js';
import { copySyntheticPosts, syntheticLaunchSlugs, syntheticShape, syntheticWindow } from './support/synthetic-campaigns.js';
import { throwawayDatabase } from './support/throwaway-database.js';

// The dashboard's costs, in one run:
//  1. the dashboard's JavaScript, gzipped (target ≤ 200 KB);
//  2. time from navigation to the first chart drawn, in Chromium on localhost (target ≤ 1 s), over a
//     seeded database: BENCH_POSTS synthetic posts (default 200,000) from the analytics benchmark's
//     generator (bench/analytics-dataset.ts: two years, three campaigns, eight launches each);
//  3. autocannon on the launch-series endpoint (the launch view's first request), rotating over
//     every launch, next to a route that only runs SELECT 1 through the same pool of 10 in the same
//     web process (target ≥ 30% of its req/s, p99 ≤ 50 ms): as served (answers reused for 10 s,
//     src/http/analytics-cache.ts) and with that cache off, so every request runs the queries.
//   npx tsx bench/dashboard.ts
// Knobs: BENCH_POSTS, BENCH_DURATION (seconds per autocannon run, default 20), BENCH_CONNECTIONS (50),
// BENCH_PAGE_RUNS (page loads timed, default 5).

const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PAGE_RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 5);
const CHROMIUM = '/usr/bin/chromium';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const run = promisify(execFile);

// The same synthetic world as bench/analytics.ts: whole-hour launches, so the rollups answer.
const window = syntheticWindow();

async function buildDashboard(): Promise<{ dir: string; js: string; jsBytes: number; jsGzip: number; cssGzip: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'gs-bench-dashboard-'));
  await run(process.execPath, ['dashboard/build.mjs', '--outdir', dir], { cwd: join(import.meta.dirname, '..') });
  const files = await readdir(dir);
  const js = files.find((file) => file.endsWith('.js'))!;
  const css = files.find((file) => file.endsWith('.css'))!;
  const jsBytes = await readFile(join(dir, js));
  return { dir, js, jsBytes: jsBytes.length, jsGzip: gzipSync(jsBytes, { level: 9 }).length, cssGzip: gzipSync(await readFile(join(dir, css)), { level: 9 }).length };
}

async function seed(pool: pg.Pool): Promise<void> {
  await copySyntheticPosts(pool, await syntheticShape(pool, window, POSTS), POSTS);
  await pool.query('VACUUM ANALYZE');
  await rebuildRollups(pool);
  await pool.query('VACUUM ANALYZE analytics_hourly_rollups, analytics_hourly_accrual');
}

async function firstChartTimes(url: string, email: string, password: string): Promise<{ first: number[]; wall: number[]; all: number[] } | string> {
  if (!existsSync(CHROMIUM)) return `skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const signIn = await context.request.post(`${url}/api/session`, { data: { email, password } });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    const first: number[] = [];
    const wall: number[] = [];
    const all: number[] = [];
    for (let runIndex = 0; runIndex < PAGE_RUNS; runIndex += 1) {
      const page = await context.newPage();
      const started = performance.now();
      // The latest launch of the biggest campaign, in the default view (14 days before, 28 after, by day).
      await page.goto(`${url}/#/launch?campaign=hsm&launch=launch-8`);
      let mark: number | null = null;
      while (mark === null) {
        mark = await page.evaluate<number | null>("performance.getEntriesByName('groundswell:first-chart')[0]?.startTime ?? null");
        if (mark === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      wall.push(performance.now() - started);
      first.push(mark);
      // Every chart drawn and every table filled: the whole view.
      await page.locator('p.status', { hasText: 'Updated' }).waitFor({ timeout: 30_000 });
      all.push(performance.now() - started);
      await page.close();
    }
    return { first, wall, all };
  } finally {
    await browser.close();
  }
}

interface LoadResult {
  requests: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, paths: readonly string[] | undefined, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    // Each connection cycles through the list: every launch in turn.
    ...(paths ? { requests: paths.map((path) => ({ method: 'GET' as const, path })) } : {}),
  });
  return { requests: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const built = await buildDashboard();
console.log('Dashboard benchmark');
console.log(`  JavaScript ${built.js}: ${(built.jsBytes / 1024).toFixed(1)} KB, ${(built.jsGzip / 1024).toFixed(1)} KB gzipped (target ≤ 200 KB); CSS ${(built.cssGzip / 1024).toFixed(1)} KB gzipped`);

const db = await throwawayDatabase('dashboard');
interface WebInfo {
  url: string;
  uncachedUrl: string;
  selectOneUrl: string;
}
let web: Awaited<ReturnType<typeof startHelperProcess<WebInfo>>> | undefined;
try {
  const seeded = performance.now();
  await seed(db.pool);
  const { rows } = await db.pool.query<{ posts: number; rollups: number }>('SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM analytics_hourly_rollups)::int AS rollups');
  console.log(`  seeded ${fmt(rows[0]!.posts)} posts over two years, three campaigns, 24 launches (${fmt(rows[0]!.rollups)} hourly rollup rows) in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);

  const password = 'bench password long enough';
  const user = (await createUser(db.pool, { email: 'bench@example.org', role: 'viewer', passwordHash: await hashPassword(password) }))!;
  const token = newApiToken();
  await createApiToken(db.pool, { userId: user.id, name: 'bench', tokenHash: hashToken(token) });

  web = await startHelperProcess<WebInfo>('bench/support/dashboard-web-process.ts', { BENCH_WEB_DATABASE_URL: db.url, BENCH_DASHBOARD_DIR: built.dir });
  const { url, uncachedUrl, selectOneUrl } = web.info;

  const pages = await firstChartTimes(url, 'bench@example.org', password);
  if (typeof pages === 'string') console.log(`  first chart: ${pages}`);
  else {
    console.log(
      `  first chart drawn after navigation (Chromium, localhost, ${PAGE_RUNS} loads): median ${fmt(median(pages.first))} ms, cold ${fmt(pages.first[0]!)} ms (target ≤ 1,000 ms);` +
        ` seen by the driver ${fmt(median(pages.wall))} ms; whole view (every chart and table) ${fmt(median(pages.all))} ms`,
    );
  }

  const launches = syntheticLaunchSlugs().map(({ campaign, launch }) => `/api/campaigns/${campaign}/launches/${launch}/series`);
  const auth = { authorization: `Bearer ${token}` };
  console.log(`  autocannon: ${CONNECTIONS} connections, ${DURATION} s each, after a 3 s warm-up; web process with a pool of 10 on the same 2 cores`);
  const selectUrl = new URL(selectOneUrl);
  await load(selectUrl.origin, [selectUrl.pathname], {}, 3);
  const baseline = await load(selectUrl.origin, [selectUrl.pathname], {}, DURATION);
  await load(url, launches, auth, 3);
  const series = await load(url, launches, auth, DURATION);
  await load(uncachedUrl, launches, auth, 3);
  const uncachedSeries = await load(uncachedUrl, launches, auth, DURATION);
  const row = (label: string, r: LoadResult) =>
    `  ${label.padEnd(58)} ${fmt(r.requests).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(row('GET /select-1 (SELECT 1 through the same pool, no auth)', baseline));
  console.log(row('GET …/launches/:launch/series (API token, 24 launches)', series));
  console.log(row('  the same with the answer cache off', uncachedSeries));
  const percent = (r: LoadResult) => `${((r.requests / baseline.requests) * 100).toFixed(0)}%`;
  console.log(`  series / SELECT 1: ${percent(series)} of its req/s, p99 ${series.p99} ms (targets ≥ 30%, ≤ 50 ms); with the cache off ${percent(uncachedSeries)}, p99 ${uncachedSeries.p99} ms`);
} finally {
  web?.stop();
  await db.drop();
  await rm(built.dir, { recursive: true, force: true });
}
