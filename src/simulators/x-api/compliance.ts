import { randomBytes } from 'node:crypto';
import { snowflakeFor } from './snowflake.js';

// Batch compliance as X runs it: create a job, PUT ids to its upload_url, poll until complete, GET
// NDJSON from its download_url. The fake serves both URLs itself, standing in for cloud storage.

export type ComplianceJobType = 'tweets' | 'users';
export type ComplianceJobStatus = 'created' | 'in_progress' | 'failed' | 'complete' | 'expired';

export interface ComplianceResultLine {
  id: string;
  action: 'delete' | 'protect';
  created_at: string;
  redacted_at: string;
  reason: 'deleted' | 'protected';
}

export interface ComplianceJob {
  id: string;
  type: ComplianceJobType;
  name?: string;
  resumable: boolean;
  createdAtMs: number;
  uploadKey: string;
  uploadedIds?: string[];
  /** Monotonic ms at which the job completes (set when ids are uploaded). */
  completesAtMonotonic?: number;
  result?: ComplianceResultLine[];
}

const UPLOAD_LIFETIME_MS = 15 * 60 * 1000;
const DOWNLOAD_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export class ComplianceJobs {
  private readonly jobs = new Map<string, ComplianceJob>();
  private sequence = 0;

  constructor(
    private readonly now: () => Date,
    /** Real time, not the fake clock: tests with a frozen clock still see a delayed job finish. */
    private readonly monotonicMs: () => number,
    private readonly processingDelayMs: () => number,
    private readonly resolve: (type: ComplianceJobType, ids: readonly string[], at: Date) => ComplianceResultLine[],
  ) {}

  create(type: ComplianceJobType, name: string | undefined, resumable: boolean): ComplianceJob {
    const created = this.now();
    this.sequence += 1;
    const job: ComplianceJob = {
      id: snowflakeFor(created, this.sequence),
      type,
      resumable,
      createdAtMs: created.getTime(),
      uploadKey: randomBytes(12).toString('hex'),
      ...(name !== undefined ? { name } : {}),
    };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): ComplianceJob | undefined {
    return this.jobs.get(id);
  }

  list(type: ComplianceJobType): ComplianceJob[] {
    return [...this.jobs.values()].filter((j) => j.type === type).sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
  }

  upload(job: ComplianceJob, body: string): void {
    job.uploadedIds = body
      .split(/\r?\n/u)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    job.completesAtMonotonic = this.monotonicMs() + this.processingDelayMs();
  }

  status(job: ComplianceJob): ComplianceJobStatus {
    if (!job.uploadedIds) {
      return this.now().getTime() > job.createdAtMs + UPLOAD_LIFETIME_MS ? 'expired' : 'created';
    }
    if (this.monotonicMs() < (job.completesAtMonotonic ?? 0)) return 'in_progress';
    // Results are fixed when the job completes, as X's are: later deletions need a new job.
    job.result ??= this.resolve(job.type, job.uploadedIds, this.now());
    return 'complete';
  }

  toWire(job: ComplianceJob, origin: string): Record<string, unknown> {
    const status = this.status(job);
    return {
      id: job.id,
      type: job.type,
      ...(job.name !== undefined ? { name: job.name } : {}),
      resumable: job.resumable,
      status,
      created_at: new Date(job.createdAtMs).toISOString(),
      upload_url: `${origin}/compliance-storage/upload/${job.id}?key=${job.uploadKey}`,
      upload_expires_at: new Date(job.createdAtMs + UPLOAD_LIFETIME_MS).toISOString(),
      download_url: `${origin}/compliance-storage/download/${job.id}?key=${job.uploadKey}`,
      download_expires_at: new Date(job.createdAtMs + DOWNLOAD_LIFETIME_MS).toISOString(),
    };
  }
}
