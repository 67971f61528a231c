import cliProgress from 'cli-progress';
import { loadConfig } from '../src/config/index.js';
import { runPass } from '../src/ingestion/run-pass.js';
import { createXClient } from '../src/sources/x/client.js';
import { XSearchCollector } from '../src/sources/x/search-collector.js';
import { syncConfig } from '../src/store/campaigns.js';
import { findSourceBySlug } from '../src/store/sources.js';
import { startHelperProcess } from './support/child.js';
import { copyPostsBaseline } from './support/copy-baseline.js';
import { describeCpu, sampleCpu } from './support/cpu.js';
import { peakRssMb, throwawayDatabase } from './support/throwaway-database.js';

// X ingestion end to end: the fake X API (its own process) → the real twitter-api-v2 client →
// validation → normalisation → set-based upserts with the cursor in each page's transaction. Printed
// next to a raw COPY of the very same rows in the same run, because this machine is shared and noisy.
//   BENCH_POSTS=200000 npx tsx bench/x-ingest.ts

const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const TOKEN = 'bench-token-0123456789';
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

const db = await throwawayDatabase('x_ingest');
const fake = await startHelperProcess<{ url: string; matching: number }>('bench/support/fake-x-process.ts', { FAKE_X_POSTS: String(POSTS), FAKE_X_TOKEN: TOKEN });
try {
  const config = await loadConfig({ configPath: 'examples/rsahealth.yaml' });
  await syncConfig(db.pool, config.campaigns);
  const source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
  const search = new XSearchCollector({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.info.url }), query: '#RSAhealth' });
  // Time spent waiting for pages (fetch, validate, normalise), to see which side limits the pipeline.
  let fetchMs = 0;
  const collector = {
    async fetchPage(cursor: Record<string, unknown>) {
      const t = performance.now();
      const page = await search.fetchPage(cursor);
      fetchMs += performance.now() - t;
      return page;
    },
  };

  console.log(`X ingest benchmark: ${fmt(fake.info.matching)} matching posts on the fake X API (${fmt(POSTS)} generated)`);
  const bar = new cliProgress.SingleBar({ format: 'ingest |{bar}| {value}/{total} posts · {rate} posts/s · eta {eta}s', noTTYOutput: true, notTTYSchedule: 5_000 }, cliProgress.Presets.shades_classic);
  bar.start(fake.info.matching, 0, { rate: 0 });
  const cpuBefore = await sampleCpu(db.pool, fake.child.pid);
  const started = performance.now();
  const outcome = await runPass(db.pool, source, collector, {
    kind: 'incremental',
    trigger: 'cli',
    ...(process.env.BENCH_READ_AHEAD ? { readAhead: Number(process.env.BENCH_READ_AHEAD) } : {}),
    onPage: (counts) => bar.update(counts.fetched, { rate: fmt(counts.fetched / ((performance.now() - started) / 1000)) }),
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  const cpuAfter = await sampleCpu(db.pool, fake.child.pid);
  bar.stop();
  if (outcome.status !== 'succeeded') throw new Error(`the pass did not succeed: ${JSON.stringify(outcome)}`);
  const rss = peakRssMb();
  const stored = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n;

  // The limit: the same rows (posts with their JSON payloads) copied table to table with COPY.
  const copySeconds = await copyPostsBaseline(db.pool);

  const ingestRate = stored / ingestSeconds;
  const copyRate = stored / copySeconds;
  console.log('');
  console.log(`ingest (fake X → client → validate → normalise → upsert): ${fmt(stored)} posts in ${ingestSeconds.toFixed(1)} s = ${fmt(ingestRate)} posts/s (${outcome.counts.pages} pages)`);
  console.log(`raw COPY of the same rows, table to table, same run:      ${fmt(stored)} rows in ${copySeconds.toFixed(1)} s = ${fmt(copyRate)} rows/s`);
  console.log(`fetching + normalising pages took ${(fetchMs / 1000).toFixed(1)} s in all (overlapped with storing: every page that has arrived is stored in one transaction)`);
  console.log(`${describeCpu(cpuBefore, cpuAfter, 'fake X API')} (2 cores: ingest wall time ${ingestSeconds.toFixed(1)} s)`);
  console.log(`ingest / COPY: ${((100 * ingestRate) / copyRate).toFixed(1)}% (target ≥ 25%)`);
  console.log(`peak RSS of the ingesting process: ${rss.toFixed(0)} MB (target ≤ 250 MB)`);
} finally {
  fake.stop();
  await db.drop();
}
