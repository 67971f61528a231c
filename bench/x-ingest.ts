import { loadConfig } from '../src/config/index.js';
import { syncConfig } from '../src/store/campaigns.js';
import { startHelperProcess } from './support/child.js';
import { exitUnlessDistIsFresh, runCompiledPass } from './support/compiled-pass.js';
import { copyPostsBaseline } from './support/copy-baseline.js';
import { printPassAgainstCopy } from './support/pass-report.js';
import { throwawayDatabase } from './support/throwaway-database.js';

// X ingestion end to end: the fake X API (its own process) → the real twitter-api-v2 client →
// validation → normalisation → set-based upserts with the cursor in each batch's transaction. The
// pass runs in a process of its own on the compiled code a worker runs (bench/support/ingest-process.mjs),
// so its RSS and CPU are a worker's. Printed next to a raw COPY of the very same rows in the same
// run, because this machine is shared and noisy.
//   npm run build && BENCH_POSTS=200000 npx tsx bench/x-ingest.ts

const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const TOKEN = 'bench-token-0123456789';
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

await exitUnlessDistIsFresh();
const db = await throwawayDatabase('x_ingest');
const fake = await startHelperProcess<{ url: string; matching: number }>('bench/support/fake-x-process.ts', { FAKE_X_POSTS: String(POSTS), FAKE_X_TOKEN: TOKEN });
try {
  const config = await loadConfig({ configPath: 'examples/rsahealth.yaml' });
  await syncConfig(db.pool, config.campaigns);

  console.log(`X ingest benchmark: ${fmt(fake.info.matching)} matching posts on the fake X API (${fmt(POSTS)} generated)`);
  const pass = await runCompiledPass({
    db,
    source: 'rsahealth-x',
    helper: { name: 'fake X API', pid: fake.child.pid },
    total: fake.info.matching,
    unit: 'posts',
    env: { BENCH_X_URL: fake.info.url, BENCH_X_TOKEN: TOKEN },
  });
  const stored = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n;

  // The limit: the same rows (posts with their JSON payloads) copied table to table with COPY.
  const copy = await copyPostsBaseline(db.pool);
  printPassAgainstCopy({ pipeline: 'fake X → client → validate → normalise → upsert', unit: 'posts', stored, pass, copy, targets: { percentOfCopy: 25, peakRssMb: 250 } });
} finally {
  fake.stop();
  await db.drop();
}
