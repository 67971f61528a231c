import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppConfig } from '../src/config/index.js';
import type { CollectorRegistry } from '../src/ingestion/collector.js';
import { RateLimitedError } from '../src/ingestion/errors.js';
import { runPass, type PassOutcome } from '../src/ingestion/run-pass.js';
import type { Logger } from '../src/observability/logger.js';
import { Closer } from '../src/runtime/closer.js';
import { createRedis } from '../src/runtime/redis.js';
import type { Pool } from '../src/store/db.js';
import { findSourceBySlug, listSources } from '../src/store/sources.js';
import { INGEST_QUEUE, JOB_RETENTION, createIngestQueue, type IngestJobData, type IngestJobName, type IngestQueue } from './queues.js';
import { rebuildSchedules } from './schedules.js';

export interface RunningWorker {
  close(): Promise<Error[]>;
}

export interface WorkerOptions {
  collectors: CollectorRegistry;
  /** Different sources run in parallel up to this many at once; one source never runs twice at once. */
  concurrency?: number;
  /** How long SIGTERM waits for in-flight passes before abandoning them to stalled-job recovery. */
  drainTimeoutMs?: number;
}

export async function startWorker(config: AppConfig, pool: Pool, logger: Logger, options: WorkerOptions): Promise<RunningWorker> {
  const log = logger.child({ component: 'worker' });
  const concurrency = options.concurrency ?? 4;
  const closer = new Closer();
  const queue = createIngestQueue(config.env.REDIS_URL, config.env.REDIS_PREFIX);
  closer.add('queue', () => queue.close());
  try {
    const schedules = await rebuildSchedules(queue, await listSources(pool, { enabledOnly: true }), options.collectors, log);
    log.info(schedules, `schedules rebuilt from PostgreSQL: ${schedules.scheduled.length} source(s)`);

    const worker = new Worker<IngestJobData, unknown, IngestJobName>(INGEST_QUEUE, (job, _token, signal) => processIngestJob(job, queue, pool, options.collectors, log, signal), {
      connection: createRedis(config.env.REDIS_URL, { forBlockingClient: true, name: 'groundswell-worker' }),
      prefix: config.env.REDIS_PREFIX,
      concurrency,
    });
    worker.on('failed', (job, error) => log.warn({ job: job?.id, source: job?.data.sourceSlug, err: error.message }, 'ingestion job failed'));
    worker.on('error', (error) => log.error({ err: error.message }, 'worker error'));
    closer.add('worker', () => closeWithin(worker, options.drainTimeoutMs ?? 30_000, log));
    await worker.waitUntilReady();
    log.info({ concurrency }, 'worker ready');
    return { close: () => closer.close() };
  } catch (error) {
    await closer.close();
    throw error;
  }
}

/** Lets in-flight passes finish for up to `timeoutMs`; after that they are abandoned and another worker resumes them. */
async function closeWithin(worker: Worker<IngestJobData, unknown, IngestJobName>, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = worker.close().then(() => true);
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const finished = await Promise.race([drained, timedOut]);
  clearTimeout(timer);
  if (!finished) {
    log.warn({ timeoutMs }, 'in-flight jobs did not finish in time; closing anyway (they will be picked up again)');
    await worker.close(true);
  }
}

async function processIngestJob(job: Job<IngestJobData, unknown, IngestJobName>, queue: IngestQueue, pool: Pool, collectors: CollectorRegistry, log: Logger, signal?: AbortSignal): Promise<unknown> {
  const source = await findSourceBySlug(pool, job.data.sourceSlug);
  if (!source || !source.enabled) return { skipped: 'source removed or disabled' };
  const collector = collectors.create(source);
  if (!collector) throw new UnrecoverableError(`no collector for source kind "${source.kind}" in this build`);

  const outcome: PassOutcome = await runPass(pool, source, collector, {
    kind: 'incremental',
    trigger: 'schedule',
    ...(signal ? { signal } : {}),
    logger: log,
    onPage: (counts) => void job.updateProgress({ pages: counts.pages, fetched: counts.fetched }).catch(() => {}),
  });
  if (outcome.status === 'skipped') return { skipped: outcome.reason };
  const summary = { runId: outcome.runId, ...outcome.counts };
  if (outcome.status === 'succeeded') {
    log.info({ source: source.slug, ...summary }, 'pass finished');
    return summary;
  }
  log.warn({ source: source.slug, code: outcome.error.code, err: outcome.error.message }, `pass ${outcome.status}`);
  if (outcome.error instanceof RateLimitedError) {
    // Not a failure and not a retry storm: one delayed job resumes the pass when the window resets.
    const resetAt = outcome.error.resetAt.getTime();
    await queue.add('incremental', job.data, { ...JOB_RETENTION, delay: Math.max(0, resetAt - Date.now()) + 1_000, jobId: `resume-${source.slug}-${resetAt}` });
    return { ...summary, waitingUntil: outcome.error.resetAt.toISOString() };
  }
  // Permanent problems wait for the next scheduled run (and an operator); retrying now would only hammer the API.
  if (outcome.error.kind === 'permanent') return { ...summary, error: outcome.error.code };
  throw outcome.error;
}
