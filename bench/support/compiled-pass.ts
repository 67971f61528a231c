import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { describeCpu, sampleCpu, type CpuSplit } from './cpu.js';
import type { ThrowawayDatabase } from './throwaway-database.js';

// An ingestion pass measured as a worker runs it: in a process of its own (ingest-process.mjs) on
// the compiled code in dist/, under plain node, so its peak RSS and CPU are a worker's and not those
// of the TypeScript loader the benchmarks run under.

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

/** The newest modification time under a folder, for files with this ending. */
async function newestMtime(folder: string, ending: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(ending)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Exits (status 2) when dist/ is older than src/: measuring it would measure code that is gone. Call
 * it before setting anything up, so a stale build costs nothing.
 */
export async function exitUnlessDistIsFresh(): Promise<void> {
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
}

/** What ingest-process.mjs reports when its pass ends. */
export interface PassResult {
  outcome: { status: string; pages?: number; error?: string };
  seconds: number;
  /** Time spent waiting for pages (fetch, validate, normalise), overlapped with storing. */
  fetchSeconds: number;
  /** The ingesting process's own user + system CPU during the pass. */
  cpuSeconds: number;
  peakRssMb: number;
}

export interface CompiledPassOptions {
  db: ThrowawayDatabase;
  /** The slug of the source to ingest, already synced into the database. */
  source: string;
  /** The fake server the pass reads from, whose CPU is reported beside the pass's. */
  helper: { name: string; pid: number | undefined };
  /** What the progress bar counts: how many items the source holds and what they are called. */
  total: number;
  unit: string;
  /** What the collector needs besides the source row (e.g. BENCH_X_URL, BENCH_X_TOKEN). */
  env?: Record<string, string>;
}

/**
 * Runs one incremental pass of a source in its own process on dist/, with a progress bar, and
 * returns its report with the CPU split ("CPU time: ingesting process …, <helper> …, PostgreSQL
 * backends …"). Throws when the pass did not succeed. BENCH_INGEST_CPU_PROFILE_DIR=DIR writes a
 * CPU profile of the ingesting process.
 */
export async function runCompiledPass(options: CompiledPassOptions): Promise<PassResult & { cpu: CpuSplit }> {
  const bar = new cliProgress.SingleBar(
    { format: `ingest |{bar}| {value}/{total} ${options.unit} · {rate} ${options.unit}/s · eta {eta}s`, noTTYOutput: true, notTTYSchedule: 5_000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { rate: 0 });
  const cpuBefore = await sampleCpu(options.db.pool, options.helper.pid);
  const started = performance.now();
  const profile = process.env.BENCH_INGEST_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_INGEST_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, 'bench/support/ingest-process.mjs'], {
    env: { ...process.env, ...options.env, BENCH_DATABASE_URL: options.db.url, BENCH_SOURCE: options.source },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let result: PassResult | undefined;
  let cpuAfter = cpuBefore;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { fetched?: number; result?: PassResult };
    if (message.fetched !== undefined) bar.update(message.fetched, { rate: fmt(message.fetched / ((performance.now() - started) / 1000)) });
    if (message.result) {
      result = message.result;
      // While the pass's backends still exist (the process waits for stdin to close).
      cpuAfter = await sampleCpu(options.db.pool, options.helper.pid);
      child.stdin.end();
    }
  }
  bar.stop();
  const exitCode = await exited;
  if (!result) throw new Error(`the ingesting process exited with ${String(exitCode)} before reporting a result`);
  if (result.outcome.status !== 'succeeded') throw new Error(`the pass did not succeed: ${JSON.stringify(result.outcome)}`);
  // The ingesting process's CPU comes from its own report; this process only waited.
  return { ...result, cpu: describeCpu(cpuBefore, cpuAfter, options.helper.name, result.cpuSeconds) };
}
