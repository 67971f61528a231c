import cliProgress from 'cli-progress';
import type pg from 'pg';
import { launchSeries, markRollupHoursDirty, parseAnalyticsRequest, rebuildRollups, refreshDirtyRollups, type AnalyticsRequestInput } from '../src/analytics/index.js';
import type { AuthorRecord, PostRecord } from '../src/domain/post.js';
import { createRandom } from '../src/simulators/prng.js';
import { withTransaction } from '../src/store/db.js';
import { upsertPosts } from '../src/store/posts.js';
import {
  engagementOf,
  followersOf,
  postTime,
  xAuthorExternalId,
  siteAuthorExternalId,
  type DatasetShape,
} from './analytics-dataset.js';
import { copySyntheticPosts, syntheticLaunchSlugs, syntheticShape, syntheticWindow } from './support/synthetic-campaigns.js';
import { throwawayDatabase } from './support/throwaway-database.js';

// Launch analytics at scale: BENCH_POSTS synthetic posts (default 10 million) over two years for three
// campaigns, COPYed into a throwaway database; the rollups built; then, in one run, the
// launch-aligned series answered from the rollups next to the same answer by GROUP BY over raw
// posts, and the time to refresh the rollups after ingesting 10,000 new posts through the store.
//   BENCH_POSTS=1000000 npx tsx bench/analytics.ts
// Other knobs: BENCH_ROLLUP_RUNS (default 200), BENCH_RAW_RUNS (default 5), BENCH_NEW_POSTS (10000),
// BENCH_KEEP=1 keeps the database for a look afterwards (its name is printed); BENCH_SKIP_REBUILD=1
// skips the rebuild and the query timings (to look at the refresh, or at plans, sooner).

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000_000);
const ROLLUP_RUNS = Number(process.env.BENCH_ROLLUP_RUNS ?? 200);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 5);
const NEW_POSTS = Number(process.env.BENCH_NEW_POSTS ?? 10_000);

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : fmt(n));
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

// Bulk data ends two hours ago; the 10,000 "new" posts arrive in those two hours.
const now = Date.now();
const { start, end } = syntheticWindow(now);

async function copyAll(pool: pg.Pool, shape: DatasetShape): Promise<void> {
  const bar = new cliProgress.SingleBar(
    { format: 'COPY |{bar}| {percentage}% · {value}/{total} posts · {rate} posts/s · eta {eta_formatted}', noTTYOutput: true, notTTYSchedule: 10_000 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(POSTS, 0, { rate: 0 });
  await copySyntheticPosts(pool, shape, POSTS, (done) => bar.update(done, { rate: fmt(done / ((performance.now() - started) / 1000)) }));
  bar.stop();
}

async function timeRuns(runs: number, query: (run: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await query(run);
    times.push(performance.now() - started);
  }
  return times;
}

/** 10,000 new posts in the last two hours, stored page by page the way ingestion does, marking their hours. */
async function ingestNewPosts(pool: pg.Pool, shape: DatasetShape): Promise<{ pages: number; markMs: number }> {
  const random = createRandom(shape.seed + 1);
  const pageSize = 1_000;
  let markMs = 0;
  let pages = 0;
  for (let first = 0; first < NEW_POSTS; first += pageSize) {
    const campaign = random.pick(shape.campaigns);
    const isX = random.chance(0.85);
    const posts: PostRecord[] = [];
    const authors: AuthorRecord[] = [];
    for (let n = first; n < Math.min(NEW_POSTS, first + pageSize); n += 1) {
      const author = isX ? 1 + Math.floor(shape.xAuthors * random.next() ** 2.5) : shape.xAuthors + 1 + Math.floor(shape.siteAuthors * random.next() ** 2);
      const authorExternalId = isX ? xAuthorExternalId(author) : siteAuthorExternalId(author);
      const [likes, reposts, replies, quotes] = engagementOf(random);
      posts.push({
        platform: isX ? 'x' : 'site',
        externalId: isX ? `new-${n}` : `site-new-${n}`,
        kind: isX ? 'post' : 'comment',
        authorExternalId,
        createdAt: new Date(postTime(random, { ...campaign, launches: [] }, end.getTime(), now)),
        text: `New post ${n} about the campaign`,
        metrics: { likes, reposts, replies, quotes },
      });
      authors.push({ platform: isX ? 'x' : 'site', externalId: authorExternalId, handle: authorExternalId, name: `Author ${author}`, followersCount: followersOf(author) });
    }
    await withTransaction(pool, async (tx) => {
      const stored = await upsertPosts(tx, posts, authors, { sourceId: isX ? campaign.xSourceId : campaign.siteSourceId, campaignId: campaign.id });
      // What the attribution step would write: about half the posts in one locality.
      await tx.query(
        `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence)
         SELECT id, ($2::bigint[])[1 + id % cardinality($2::bigint[])], $3, created_at, 'hashtag', '#place', 0.95
         FROM posts WHERE id = ANY($1::bigint[]) AND id % 2 = 0`,
        [stored.attributablePostIds, campaign.localityIds, campaign.id],
      );
      const marked = performance.now();
      await markRollupHoursDirty(tx, stored.attributablePostIds);
      markMs += performance.now() - marked;
    });
    pages += 1;
  }
  return { pages, markMs };
}

const db = await throwawayDatabase('analytics');
try {
  console.log(`Launch analytics benchmark: ${fmt(POSTS)} posts, ${start.toISOString().slice(0, 10)} to ${end.toISOString().slice(0, 10)}, three campaigns`);
  const shape = await syntheticShape(db.pool, { start, end }, POSTS);

  const copyStarted = performance.now();
  await copyAll(db.pool, shape);
  const copySeconds = (performance.now() - copyStarted) / 1000;
  await db.pool.query('VACUUM ANALYZE');
  const counts = (
    await db.pool.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM post_sources) AS post_sources,
              (SELECT count(*) FROM locality_attributions) AS attributions, (SELECT count(*) FROM engagement_snapshots) AS snapshots`,
    )
  ).rows[0]!;
  console.log(
    `loaded ${fmt(counts.posts!)} posts, ${fmt(counts.post_sources!)} provenance rows, ${fmt(counts.attributions!)} attributions, ${fmt(counts.snapshots!)} snapshots in ${copySeconds.toFixed(0)} s`,
  );


  async function buildAndCompare(): Promise<void> {
    const rebuilt = await rebuildRollups(db.pool);
    await db.pool.query('VACUUM ANALYZE analytics_hourly_rollups, analytics_hourly_accrual');
    const rollupRows = (await db.pool.query<{ n: number; size: string }>(`SELECT count(*) AS n, pg_size_pretty(pg_total_relation_size('analytics_hourly_rollups')) AS size FROM analytics_hourly_rollups`))
      .rows[0]!;
    console.log(`rollups built from scratch in ${(rebuilt.ms / 1000).toFixed(1)} s: ${fmt(rollupRows.n)} hourly rows (${rollupRows.size}) over ${fmt(rebuilt.hours)} campaign-hours`);

    // Every launch of every campaign, in turn: the dashboard's default view and two variants.
    const launches = syntheticLaunchSlugs();
    const shapes: { label: string; input: Omit<AnalyticsRequestInput, 'campaign' | 'launch'> }[] = [
      { label: 'series, 14 d before to 28 d after, by day (default view)', input: {} },
      { label: 'the same, split by locality (incl. unattributed)', input: { split: 'locality' } },
      { label: 'series, 2 d before to 5 d after, by hour', input: { before: 2, after: 5 } },
    ];

    const sample = parseAnalyticsRequest({ ...launches[0], split: 'locality' });
    // One instant for every answer, so two answers differ only in what they read.
    const now = new Date();
    const fromRollups = await launchSeries(db.pool, sample, now, { answerFrom: 'rollups' });
    const fromRaw = await launchSeries(db.pool, sample, now, { answerFrom: 'raw' });
    const same = JSON.stringify({ ...fromRollups, answeredFrom: 'raw' }) === JSON.stringify(fromRaw);
    console.log(`rollup answer identical to the raw GROUP BY answer (${launches[0]!.campaign}/${launches[0]!.launch}, by locality): ${same ? 'yes' : 'NO'}`);

    console.log('');
    console.log(`launch-aligned series (posts, distinct authors, engagement, reach), launchSeries() end to end:`);
    console.log(`${'query'.padEnd(60)} ${'rollups p50 / p95'.padStart(20)} ${'raw GROUP BY p50 / p95'.padStart(24)} ${'speed-up (p50)'.padStart(15)}`);
    for (const { label, input } of shapes) {
      const request = (run: number) => parseAnalyticsRequest({ ...launches[run % launches.length], ...input });
      await timeRuns(10, (run) => launchSeries(db.pool, request(run), now, { answerFrom: 'rollups' }));
      const rollup = await timeRuns(ROLLUP_RUNS, (run) => launchSeries(db.pool, request(run), now, { answerFrom: 'rollups' }));
      await timeRuns(1, (run) => launchSeries(db.pool, request(run + 7), now, { answerFrom: 'raw' }));
      const raw = await timeRuns(RAW_RUNS, (run) => launchSeries(db.pool, request(run), now, { answerFrom: 'raw' }));
      const [r50, r95, w50, w95] = [percentile(rollup, 50), percentile(rollup, 95), percentile(raw, 50), percentile(raw, 95)];
      console.log(`${label.padEnd(60)} ${`${ms(r50)} / ${ms(r95)} ms`.padStart(20)} ${`${ms(w50)} / ${ms(w95)} ms`.padStart(24)} ${`${Math.round(w50 / r50)}×`.padStart(15)}`);
    }
    console.log(`(rollups: ${ROLLUP_RUNS} runs per query; raw: ${RAW_RUNS}; rotating over ${launches.length} launches; targets p95 ≤ 20 ms and ≥ 50× faster)`);
  }

  if (process.env.BENCH_SKIP_REBUILD !== '1') await buildAndCompare();

  console.log('');
  const ingested = await ingestNewPosts(db.pool, shape);
  const dirty = (await db.pool.query<{ n: number }>('SELECT count(DISTINCT (campaign_id, hour)) AS n FROM analytics_rollup_dirty_hours')).rows[0]!.n;
  const refresh = await refreshDirtyRollups(db.pool);
  console.log(
    `ingested ${fmt(NEW_POSTS)} new posts in ${ingested.pages} pages through the store (marking dirty hours took ${ms(ingested.markMs)} ms in all, ${ms(ingested.markMs / ingested.pages)} ms per page); ${dirty} campaign-hours marked`,
  );
  console.log(`rollup refresh after them: ${fmt(refresh.ms)} ms (${refresh.hours} dirty hours, ${refresh.recomputedHours} hourly slices recomputed; target ≤ 1,000 ms)`);
  const again = await refreshDirtyRollups(db.pool);
  console.log(`a second refresh with nothing marked: ${ms(again.ms)} ms`);
} finally {
  if (process.env.BENCH_KEEP === '1') {
    console.log(`kept ${db.url}`);
    await db.pool.end();
  } else {
    await db.drop();
  }
}
