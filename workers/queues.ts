import { Queue } from 'bullmq';
import { createRedis } from '../src/runtime/redis.js';

export const INGEST_QUEUE = 'ingest';

/** What an ingestion job carries: only ids; everything else is read from PostgreSQL when it runs. */
export interface IngestJobData {
  sourceId: number;
  sourceSlug: string;
}

// BullMQ types scheduler ids with the job-name type, so names stay plain strings.
export type IngestJobName = string;

// Bounded job history: without it Redis memory grows for ever (one job per source per interval).
export const JOB_RETENTION = { removeOnComplete: { count: 500 }, removeOnFail: { count: 2_000 } } as const;

/** Network errors and 5xx retry a few times with jittered exponential backoff before the job fails. */
export const RETRY_POLICY = { attempts: 4, backoff: { type: 'exponential', delay: 15_000, jitter: 0.5 } } as const;

export type IngestQueue = Queue<IngestJobData, unknown, IngestJobName>;

export function createIngestQueue(redisUrl: string, prefix: string): Queue<IngestJobData, unknown, IngestJobName> {
  return new Queue<IngestJobData, unknown, IngestJobName>(INGEST_QUEUE, {
    connection: createRedis(redisUrl, { forBlockingClient: true, name: 'groundswell-queue' }),
    prefix,
    defaultJobOptions: JOB_RETENTION,
  });
}
