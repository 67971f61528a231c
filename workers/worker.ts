import { Worker } from 'bullmq';
import type { AppConfig } from '../src/config/index.js';
import type { CollectorRegistry } from '../src/ingestion/collector.js';
import type { Logger } from '../src/observability/logger.js';
import { Closer } from '../src/runtime/closer.js';
import { settlesWithin } from '../src/runtime/deadline.js';
import { createRedis } from '../src/runtime/redis.js';
import type { XConnection } from '../src/sources/index.js';
import type { Pool } from '../src/store/db.js';
import { listSources, markSourceMisconfigured } from '../src/store/sources.js';
import { processJob, type JobContext } from './jobs.js';
import { INGEST_QUEUE, createIngestQueue, type IngestJobData, type IngestJobName, type IngestQueue } from './queues.js';
import { rebuildSchedules, type ScheduleSummary } from './schedules.js';

export interface RunningWorker {
  close(): Promise<Error[]>;
}

export interface WorkerOptions {
  collectors: CollectorRegistry;
  /** X's client with the budget shared through Redis, for engagement refresh and compliance. */
  x?: XConnection;
  /** Different sources run in parallel up to this many at once; one source never runs twice at once. */
  concurrency?: number;
  /** How often the worker checks that Redis still holds its schedules (default 15 s; also on every reconnect). */
  scheduleCheckMs?: number;
  /** How long SIGTERM waits for in-flight passes before abandoning them to stalled-job recovery. */
  drainTimeoutMs?: number;
}

export async function startWorker(config: AppConfig, pool: Pool, logger: Logger, options: WorkerOptions): Promise<RunningWorker> {
  const log = logger.child({ component: 'worker' });
  const concurrency = options.concurrency ?? 4;
  const closer = new Closer({ logger: log });
  const queueConnection = createRedis(config.env.REDIS_URL, { forBlockingClient: true, name: 'groundswell-queue' });
  const queue = createIngestQueue(config.env.REDIS_URL, config.env.REDIS_PREFIX, queueConnection);
  // Redis going away is reported here (and retried by ioredis), not thrown as an unhandled event.
  queue.on('error', (error) => log.warn({ err: error.message }, 'ingest queue: Redis error'));
  closer.add('queue', () => queue.close());
  try {
    const rebuild = async () => {
      const summary = await rebuildSchedules(queue, await listSources(pool), options.collectors, log);
      // The log is not where campaign staff look: the source's health shows them why it does not run.
      for (const source of summary.misconfigured) await markSourceMisconfigured(pool, source.sourceId, { code: source.code, message: source.reason });
      return summary;
    };
    const schedules = await rebuild();
    log.info(
      schedules,
      `schedules rebuilt from PostgreSQL: ${schedules.scheduled.length} source(s), ${schedules.other.length} other job(s)` +
        (schedules.misconfigured.length > 0 ? `; ${schedules.misconfigured.length} source(s) not scheduled for invalid settings` : ''),
    );
    // Redis may lose everything while this worker runs (a restart without persistence): check the
    // schedules now and then, and put back whatever is missing.
    const keeper = setInterval(() => {
      void ensureSchedules(queue, rebuild, log);
    }, options.scheduleCheckMs ?? SCHEDULE_CHECK_MS);
    keeper.unref();
    closer.add('schedule keeper', () => clearInterval(keeper));
    // And at once whenever the connection comes back, since that is when Redis may have restarted empty.
    const onReady = () => void ensureSchedules(queue, rebuild, log);
    queueConnection.on('ready', onReady);
    closer.add('schedule keeper (reconnects)', () => void queueConnection.off('ready', onReady));

    const context: JobContext = { config, pool, queue, collectors: options.collectors, x: options.x, log };
    const worker = new Worker<IngestJobData, unknown, IngestJobName>(INGEST_QUEUE, (job, _token, signal) => processJob(job, context, signal), {
      connection: createRedis(config.env.REDIS_URL, { forBlockingClient: true, name: 'groundswell-worker' }),
      prefix: config.env.REDIS_PREFIX,
      concurrency,
    });
    worker.on('failed', (job, error) => log.warn({ job: job?.id, source: job?.data.sourceSlug, err: error.message }, 'ingestion job failed'));
    worker.on('error', (error) => log.error({ err: error.message }, 'worker error'));
    closer.add('in-flight jobs', () => closeWithin(worker, options.drainTimeoutMs ?? 30_000, log));
    await worker.waitUntilReady();
    log.info({ concurrency }, 'worker ready');
    return { close: () => closer.close() };
  } catch (error) {
    await closer.close();
    throw error;
  }
}

const SCHEDULE_CHECK_MS = 15_000;

/** Rebuilds the schedules when Redis has fewer than PostgreSQL wants (the maintenance ones are always wanted). */
async function ensureSchedules(queue: IngestQueue, rebuild: () => Promise<ScheduleSummary>, log: Logger): Promise<void> {
  try {
    const keys = new Set((await queue.getJobSchedulers()).map((s) => s.key));
    if (keys.has('maintenance:rollups') && keys.has('maintenance:reattribute')) return;
    const summary = await rebuild();
    log.warn(summary, `Redis had lost the job schedules: rebuilt ${summary.scheduled.length + summary.other.length} from PostgreSQL`);
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not check the job schedules (will try again)');
  }
}

/** Lets in-flight passes finish for up to `timeoutMs`; after that they are abandoned and another worker resumes them. */
async function closeWithin(worker: Worker<IngestJobData, unknown, IngestJobName>, timeoutMs: number, log: Logger): Promise<void> {
  if (await settlesWithin(worker.close(), timeoutMs)) return;
  log.warn({ timeoutMs }, 'in-flight jobs did not finish in time; closing anyway (they will be picked up again)');
  await worker.close(true);
}
