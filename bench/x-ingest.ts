import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/config/index.js';
import { syncConfig } from '../src/store/campaigns.js';
import { startHelperProcess } from './support/child.js';
import { copyPostsBaseline } from './support/copy-baseline.js';
import { describeCpu, sampleCpu } from './support/cpu.js';
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

interface PassResult {
  outcome: { status: string; pages?: number; error?: string };
  seconds: number;
  fetchSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** The newest modification time under a folder, for files with this ending. */
async function newestMtime(folder: string, ending: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(ending)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

// The pass runs compiled code: measuring a dist/ older than src/ would measure code that is gone.
const built = (() => {
  try {
    return statSync('dist/src/cli/main.js').mtimeMs;
  } catch {
    return 0;
  }
})();
if (built < (await newestMtime('src', '.ts'))) {
  console.error('dist/ is older than src/: run `npm run build` first (`npm run bench` does).');
  process.exit(2);
}

const db = await throwawayDatabase('x_ingest');
const fake = await startHelperProcess<{ url: string; matching: number }>('bench/support/fake-x-process.ts', { FAKE_X_POSTS: String(POSTS), FAKE_X_TOKEN: TOKEN });
try {
  const config = await loadConfig({ configPath: 'examples/rsahealth.yaml' });
  await syncConfig(db.pool, config.campaigns);

  console.log(`X ingest benchmark: ${fmt(fake.info.matching)} matching posts on the fake X API (${fmt(POSTS)} generated)`);
  const bar = new cliProgress.SingleBar({ format: 'ingest |{bar}| {value}/{total} posts · {rate} posts/s · eta {eta}s', noTTYOutput: true, notTTYSchedule: 5_000 }, cliProgress.Presets.shades_classic);
  bar.start(fake.info.matching, 0, { rate: 0 });
  const cpuBefore = await sampleCpu(db.pool, fake.child.pid);
  const started = performance.now();
  const profile = process.env.BENCH_INGEST_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_INGEST_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, 'bench/support/ingest-process.mjs'], {
    env: {
      ...process.env,
      BENCH_DATABASE_URL: db.url,
      BENCH_X_URL: fake.info.url,
      BENCH_X_TOKEN: TOKEN,
      BENCH_SOURCE: 'rsahealth-x',
      BENCH_QUERY: '#RSAhealth',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let result: PassResult | undefined;
  let cpuAfter = cpuBefore;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { fetched?: number; result?: PassResult };
    if (message.fetched !== undefined) bar.update(message.fetched, { rate: fmt(message.fetched / ((performance.now() - started) / 1000)) });
    if (message.result) {
      result = message.result;
      // While the pass's backends still exist (the process waits for stdin to close).
      cpuAfter = await sampleCpu(db.pool, fake.child.pid);
      child.stdin.end();
    }
  }
  bar.stop();
  if (result?.outcome.status !== 'succeeded') throw new Error(`the pass did not succeed: ${JSON.stringify(result?.outcome ?? 'no result')}`);
  const stored = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n;

  // The limit: the same rows (posts with their JSON payloads) copied table to table with COPY.
  const copy = await copyPostsBaseline(db.pool);
  const copySeconds = copy.seconds;

  const ingestRate = stored / result.seconds;
  const copyRate = stored / copySeconds;
  // The ingesting process's CPU comes from its own report; this process only waited.
  const cpu = describeCpu(cpuBefore, cpuAfter, 'fake X API', result.cpuSeconds);
  console.log('');
  console.log(`ingest (fake X → client → validate → normalise → upsert): ${fmt(stored)} posts in ${result.seconds.toFixed(1)} s = ${fmt(ingestRate)} posts/s (${String(result.outcome.pages)} pages)`);
  console.log(`raw COPY of the same rows, table to table, same run:      ${fmt(stored)} rows in ${copySeconds.toFixed(1)} s = ${fmt(copyRate)} rows/s (median of ${copy.runs.map((run) => run.toFixed(1)).join(' / ')} s)`);
  console.log(`fetching + normalising pages took ${result.fetchSeconds.toFixed(1)} s in all (overlapped with storing: every page that has arrived is stored in one transaction)`);
  console.log(`${cpu} (2 cores: ingest wall time ${result.seconds.toFixed(1)} s)`);
  console.log(`ingest / COPY: ${((100 * ingestRate) / copyRate).toFixed(1)}% (target ≥ 25%)`);
  console.log(`peak RSS of the ingesting process (compiled, as a worker runs): ${result.peakRssMb.toFixed(0)} MB (target ≤ 250 MB)`);
} finally {
  fake.stop();
  await db.drop();
}
