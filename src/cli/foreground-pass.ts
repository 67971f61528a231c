import type { Logger } from '../observability/logger.js';
import type { AppConfig } from '../config/index.js';
import type { SourceCollector } from '../ingestion/collector.js';
import { runPass } from '../ingestion/run-pass.js';
import { connectServices } from '../runtime/boot.js';
import { createRedis } from '../runtime/redis.js';
import { connectX, type XConnection } from '../sources/index.js';
import type { Pool } from '../store/db.js';
import type { RunKind } from '../store/runs.js';
import { findSourceBySlug, listSources, type SourceRow } from '../store/sources.js';
import { CommandFailed, EXIT, UsageError } from './fail.js';
import { describeCounts, passProgress } from './progress.js';
import { bootstrap, logBesideProgress, type GlobalOptions } from './services.js';

// What `ingest` and `backfill` share: connect, find the source, run one pass in the foreground with
// progress, wait out rate limits instead of giving up, stop cleanly on Ctrl-C, print a summary.

export interface ForegroundSession {
  config: AppConfig;
  logger: Logger;
  pool: Pool;
  source: SourceRow;
  /** X's client with the rate-limit budget shared with the workers (a foreground pass must not spend their window). */
  x: XConnection | undefined;
  close(): Promise<void>;
}

/** Connects (migrating and syncing the config first, like `start`) and finds the source by slug. */
export async function openForegroundSession(options: GlobalOptions, sourceSlug: string, command: string): Promise<ForegroundSession> {
  const { config } = await bootstrap(options);
  const logger = logBesideProgress(config);
  const pool = await connectServices(config, logger, { migrate: true, poolSize: 4, applicationName: `groundswell-${command}` });
  const redis = createRedis(config.env.REDIS_URL, { name: `groundswell-${command}` });
  const close = async () => {
    redis.disconnect();
    await pool.end();
  };
  try {
    await redis.connect();
    const source = await findSourceBySlug(pool, sourceSlug);
    if (!source) {
      const known = (await listSources(pool)).map((s) => s.slug);
      throw new UsageError(`there is no source "${sourceSlug}"; the config has: ${known.join(', ') || 'no sources'}`);
    }
    if (!source.enabled) throw new UsageError(`source "${source.slug}" is disabled in the config; enable it to ${command} it`);
    return { config, logger, pool, source, x: connectX(config, redis), close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface ForegroundPassOptions {
  kind: RunKind;
  collector: SourceCollector;
  expectedPosts?: number;
}

/** Runs the pass and prints its summary; throws CommandFailed (with the exit code) unless it succeeded. */
export async function runForegroundPass(session: ForegroundSession, options: ForegroundPassOptions): Promise<void> {
  const { pool, source, logger } = session;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = passProgress(source.slug, options.expectedPosts !== undefined ? { expectedPosts: options.expectedPosts } : {});
  const started = Date.now();
  try {
    const outcome = await runPass(pool, source, options.collector, {
      kind: options.kind,
      trigger: 'cli',
      signal: abort.signal,
      waitOnRateLimit: true,
      onPage: (counts) => progress.update(counts),
      onRateLimitWait: (resetAt) => progress.waiting(resetAt),
      logger,
    });
    progress.stop();
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (outcome.status === 'skipped') {
      throw new CommandFailed(`another worker is running a pass of ${source.slug} right now; nothing was done (try again when it finishes)`, EXIT.failure);
    }
    process.stdout.write(`${source.slug}: ${options.kind} pass ${outcome.status} in ${took}\n  ${describeCounts(outcome.counts)}\n`);
    if (outcome.status === 'interrupted') {
      const why = outcome.reason === 'lock-lost' ? 'stopped: the pass lost its lock on the source (its PostgreSQL connection ended)' : 'interrupted';
      throw new CommandFailed(`${why}; everything up to the last stored page is kept, and the next ${options.kind} pass resumes from there`, EXIT.interrupted);
    }
    // reportFatal prints an ingestion error as `CODE: message` and exits 1.
    if (outcome.status !== 'succeeded') throw outcome.error;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
