import { Queue } from 'bullmq';
import { z } from 'zod';
import { createRedis } from '../src/runtime/redis.js';

export const INGEST_QUEUE = 'ingest';

// Job definitions: each job name with the schema of its payload (only ids: everything else is read
// from PostgreSQL when it runs). The handlers live in jobs.ts, the schedules in schedules.ts.
const sourceJob = z.object({ sourceId: z.number().int().positive(), sourceSlug: z.string().min(1) });
const campaignJob = z.object({ campaignId: z.number().int().positive(), campaignSlug: z.string().min(1) });
const maintenanceJob = z.object({});

export const JOB_PAYLOADS = {
  /** One incremental pass of a source: new posts or comments since its cursor. */
  incremental: sourceJob,
  /** A site's reconciliation sweep: edits and removals over its last days. */
  sweep: sourceJob,
  /** Re-reads the engagement of a campaign's X posts that are due. */
  refresh: campaignJob,
  /** X batch compliance: purges posts deleted or made private since they were collected. */
  compliance: campaignJob,
  /** Recomputes the analytics rollup hours that ingestion marked stale. */
  rollups: maintenanceJob,
  /** Re-attributes campaigns whose locality rules changed. */
  reattribute: maintenanceJob,
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type SourceJobData = z.output<typeof sourceJob>;
export type CampaignJobData = z.output<typeof campaignJob>;
/** What any job carries; each handler parses its own shape with JOB_PAYLOADS. */
export type IngestJobData = Partial<SourceJobData & CampaignJobData>;

// BullMQ types scheduler ids with the job-name type, so names stay plain strings.
export type IngestJobName = string;

// Bounded job history: without it Redis memory grows for ever (one job per source per interval).
export const JOB_RETENTION = { removeOnComplete: { count: 500 }, removeOnFail: { count: 2_000 } } as const;

/** Network errors and 5xx retry a few times with jittered exponential backoff before the job fails. */
export const RETRY_POLICY = { attempts: 4, backoff: { type: 'exponential', delay: 15_000, jitter: 0.5 } } as const;

export type IngestQueue = Queue<IngestJobData, unknown, IngestJobName>;

/** The ingest queue on its own Redis connection (pass one in to watch it, e.g. for reconnects). */
export function createIngestQueue(redisUrl: string, prefix: string, connection = createRedis(redisUrl, { forBlockingClient: true, name: 'groundswell-queue' })): IngestQueue {
  return new Queue<IngestJobData, unknown, IngestJobName>(INGEST_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: JOB_RETENTION,
  });
}
