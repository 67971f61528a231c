// One ingestion pass of one source in a process of its own, running the compiled code a worker runs
// (dist/), under plain node: so its peak RSS and CPU are a worker's, without the TypeScript loader the
// benchmarks themselves run under (about 36 MB). Prints JSON lines on stdout: {"fetched": n} after
// each stored batch, then {"result": …}, and ends when stdin closes. Started through runCompiledPass
// (bench/support/compiled-pass.ts) by bench/x-ingest.ts and bench/site-comments.ts.

import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createPool } from '../../dist/src/store/db.js';
import { findSourceBySlug } from '../../dist/src/store/sources.js';
import { runPass } from '../../dist/src/ingestion/run-pass.js';

const { BENCH_DATABASE_URL, BENCH_SOURCE, BENCH_X_URL, BENCH_X_TOKEN, BENCH_READ_AHEAD } = process.env;

// The incremental collector of each source kind the benchmarks measure, built as the worker's
// registry (src/sources/index.ts) builds it, but pointed at the fake server and, for sites, without
// the politeness gap: this measures the pipeline, not politeness.
// Each loads only its own modules, as a worker would for its sources: the peak RSS reported is the pass's.
const incrementalCollectors = {
  'x-search': async (source) => {
    const { createXClient } = await import('../../dist/src/sources/x/client.js');
    const { XSearchCollector } = await import('../../dist/src/sources/x/search-collector.js');
    return new XSearchCollector({ client: createXClient({ bearerToken: BENCH_X_TOKEN, baseUrl: BENCH_X_URL }), query: source.settings.query });
  },
  wordpress: async (source) => {
    const { PoliteFetcher } = await import('../../dist/src/sources/http/polite-fetcher.js');
    const { createWordPressCollectorFactory } = await import('../../dist/src/sources/wordpress/factory.js');
    return createWordPressCollectorFactory({ fetcher: new PoliteFetcher({ minIntervalMs: 0 }) })(source, { kind: 'incremental' });
  },
};

const pool = createPool(BENCH_DATABASE_URL, { max: 4, applicationName: 'groundswell-bench-ingest' });
try {
  const source = await findSourceBySlug(pool, BENCH_SOURCE);
  if (!source) throw new Error(`no source ${BENCH_SOURCE} in the benchmark's database`);
  const createCollector = incrementalCollectors[source.kind];
  if (!createCollector) throw new Error(`the benchmark has no collector for ${source.kind} sources`);
  const inner = await createCollector(source);
  // Time spent waiting for pages (fetch, validate, normalise), to see which side limits the pipeline.
  let fetchMs = 0;
  const collector = {
    async fetchPage(cursor, signal) {
      const started = performance.now();
      const page = await inner.fetchPage(cursor, signal);
      fetchMs += performance.now() - started;
      return page;
    },
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await runPass(pool, source, collector, {
    kind: 'incremental',
    trigger: 'cli',
    ...(BENCH_READ_AHEAD ? { readAhead: Number(BENCH_READ_AHEAD) } : {}),
    onPage: (counts) => process.stdout.write(`${JSON.stringify({ fetched: counts.fetched })}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const result = {
    outcome: { status: outcome.status, pages: outcome.counts?.pages, ...(outcome.error ? { error: outcome.error.message } : {}) },
    seconds,
    fetchSeconds: fetchMs / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // resourceUsage().maxRSS is in kilobytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  // The benchmark reads this database's backends' CPU now, while they still exist; it closes stdin after.
  for await (const _ of createInterface({ input: process.stdin }));
} finally {
  await pool.end();
}
