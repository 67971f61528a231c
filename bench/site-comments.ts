import { parseCampaignFile } from '../src/config/load.js';
import { syncConfig } from '../src/store/campaigns.js';
import { startHelperProcess } from './support/child.js';
import { exitUnlessDistIsFresh, runCompiledPass } from './support/compiled-pass.js';
import { copyPostsBaseline } from './support/copy-baseline.js';
import { printPassAgainstCopy } from './support/pass-report.js';
import { throwawayDatabase } from './support/throwaway-database.js';

// Site-comment ingestion end to end: the fake WordPress site (its own process) → the polite
// fetcher (no minimum gap: this measures the pipeline, not politeness) → discovery, REST pages of
// 100 comments, blog posts and terms by id → validation → sanitising → normalisation → set-based
// upserts with the cursor in each batch's transaction. The pass runs in a process of its own on the
// compiled code a worker runs (bench/support/ingest-process.mjs), so its RSS and CPU are a worker's.
// Printed next to a raw COPY of the very same rows in the same run, because this machine is shared
// and noisy.
//   npm run build && BENCH_COMMENTS=100000 npx tsx bench/site-comments.ts

const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 100_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 2_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

await exitUnlessDistIsFresh();
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

  console.log(`site-comment ingest benchmark: ${fmt(fake.info.public)} public comments on ${fmt(fake.info.posts)} posts of the fake WordPress site`);
  const pass = await runCompiledPass({
    db,
    source: 'hsm-blog',
    helper: { name: 'fake WordPress', pid: fake.child.pid },
    total: fake.info.public,
    unit: 'comments',
  });
  const stored = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE kind = 'comment'`)).rows[0]!.n;
  if (stored !== fake.info.public) throw new Error(`stored ${stored} comments, expected ${fake.info.public}`);

  // The limit: the same comment rows (text, sanitised HTML, context and payload JSON) copied table to table with COPY.
  const copy = await copyPostsBaseline(db.pool);
  printPassAgainstCopy({ pipeline: 'fake WordPress → fetch → validate → sanitise → normalise → upsert', unit: 'comments', stored, pass, copy });
} finally {
  fake.stop();
  await db.drop();
}
