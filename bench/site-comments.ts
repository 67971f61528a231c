import cliProgress from 'cli-progress';
import { parseCampaignFile } from '../src/config/load.js';
import type { SourceCollector } from '../src/ingestion/collector.js';
import { runPass } from '../src/ingestion/run-pass.js';
import { PoliteFetcher } from '../src/sources/http/polite-fetcher.js';
import { createWordPressCollectorFactory } from '../src/sources/wordpress/factory.js';
import { syncConfig } from '../src/store/campaigns.js';
import { findSourceBySlug } from '../src/store/sources.js';
import { startHelperProcess } from './support/child.js';
import { copyPostsBaseline } from './support/copy-baseline.js';
import { peakRssMb, throwawayDatabase } from './support/throwaway-database.js';

// Site-comment ingestion end to end: the fake WordPress site (its own process) → the polite
// fetcher (no minimum gap: this measures the pipeline, not politeness) → discovery, REST pages of
// 100 comments, blog posts and terms by id → validation → sanitising → normalisation → set-based
// upserts with the cursor in each page's transaction. Printed next to a raw COPY of the very same
// rows in the same run, because this machine is shared and noisy.
//   BENCH_COMMENTS=100000 npx tsx bench/site-comments.ts

const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 100_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 2_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

const db = await throwawayDatabase('site_comments');
const fake = await startHelperProcess<{ url: string; public: number; posts: number }>('bench/support/fake-wordpress-process.ts', {
  FAKE_WP_COMMENTS: String(COMMENTS),
  FAKE_WP_POSTS: String(POSTS),
});
try {
  const file = parseCampaignFile(
    `campaigns:
  - slug: hsm
    name: Health as a Social Movement
    localities: [{ slug: stockport, name: Stockport }]
    sources: [{ slug: hsm-blog, kind: wordpress, url: "${fake.info.url}", every: 1h, locality: stockport }]`,
    'bench',
  );
  await syncConfig(db.pool, file.campaigns);
  const source = (await findSourceBySlug(db.pool, 'hsm-blog'))!;
  const wordpress = createWordPressCollectorFactory({ fetcher: new PoliteFetcher({ minIntervalMs: 0 }) })(source, { kind: 'incremental' })!;
  // Time spent waiting for pages (fetch, validate, sanitise, normalise), to see which side limits the pipeline.
  let fetchMs = 0;
  const collector: SourceCollector = {
    async fetchPage(cursor, signal) {
      const t = performance.now();
      const page = await wordpress.fetchPage(cursor, signal);
      fetchMs += performance.now() - t;
      return page;
    },
  };

  console.log(`site-comment ingest benchmark: ${fmt(fake.info.public)} public comments on ${fmt(fake.info.posts)} posts of the fake WordPress site`);
  const bar = new cliProgress.SingleBar({ format: 'ingest |{bar}| {value}/{total} comments · {rate} comments/s · eta {eta}s', noTTYOutput: true, notTTYSchedule: 5_000 }, cliProgress.Presets.shades_classic);
  bar.start(fake.info.public, 0, { rate: 0 });
  const started = performance.now();
  const outcome = await runPass(db.pool, source, collector, {
    kind: 'incremental',
    trigger: 'cli',
    onPage: (counts) => bar.update(counts.fetched, { rate: fmt(counts.fetched / ((performance.now() - started) / 1000)) }),
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  bar.stop();
  if (outcome.status !== 'succeeded') throw new Error(`the pass did not succeed: ${JSON.stringify(outcome)}`);
  const rss = peakRssMb();
  const stored = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE kind = 'comment'`)).rows[0]!.n;
  if (stored !== fake.info.public) throw new Error(`stored ${stored} comments, expected ${fake.info.public}`);

  // The limit: the same comment rows (text, sanitised HTML, context and payload JSON) copied table to table with COPY.
  const copy = await copyPostsBaseline(db.pool);
  const copySeconds = copy.seconds;

  const ingestRate = stored / ingestSeconds;
  const copyRate = stored / copySeconds;
  console.log('');
  console.log(`ingest (fake WordPress → fetch → validate → sanitise → normalise → upsert): ${fmt(stored)} comments in ${ingestSeconds.toFixed(1)} s = ${fmt(ingestRate)} comments/s (${outcome.counts.pages} pages)`);
  console.log(`raw COPY of the same rows, table to table, same run:                       ${fmt(stored)} rows in ${copySeconds.toFixed(1)} s = ${fmt(copyRate)} rows/s (median of ${copy.runs.map((run) => run.toFixed(1)).join(' / ')} s)`);
  console.log(`fetching + normalising pages took ${(fetchMs / 1000).toFixed(1)} s of that, overlapped with storing`);
  console.log(`ingest / COPY: ${((100 * ingestRate) / copyRate).toFixed(1)}%`);
  console.log(`peak RSS of the ingesting process: ${rss.toFixed(0)} MB`);
} finally {
  fake.stop();
  await db.drop();
}
