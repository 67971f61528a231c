import type { TwitterApi } from 'twitter-api-v2';
import { z } from 'zod';
import { PermanentError } from '../../ingestion/errors.js';
import type { ScopedRateBudget } from '../../ingestion/rate-budget.js';
import { sendWithinBudget } from './budgeted-request.js';
import { classifyXError } from './errors.js';

// X's batch compliance for posts: POST /2/compliance/jobs (type tweets), PUT the ids as text to the
// job's pre-signed upload_url, poll GET /2/compliance/jobs/:id until it is complete, then GET the
// NDJSON result from download_url: one line per post that was deleted, protected, suspended …
// The storage URLs take no bearer token (they are signed) and have no rate limit.

const id = z.string().regex(/^\d{1,20}$/, { error: 'is not a numeric id' });

const jobSchema = z
  .object({
    id,
    type: z.literal('tweets'),
    status: z.enum(['created', 'in_progress', 'failed', 'complete', 'expired']),
    upload_url: z.url(),
    download_url: z.url(),
    upload_expires_at: z.iso.datetime({ offset: true }),
    download_expires_at: z.iso.datetime({ offset: true }),
    created_at: z.iso.datetime({ offset: true }),
    name: z.string().optional(),
  })
  .loose();

const jobEnvelopeSchema = z.object({ data: jobSchema }).loose();

const resultLineSchema = z
  .object({
    id,
    action: z.string().min(1),
    reason: z.string().optional(),
    created_at: z.string().optional(),
    redacted_at: z.string().optional(),
  })
  .loose();

export type ComplianceJob = z.output<typeof jobSchema>;
export type ComplianceResultLine = z.output<typeof resultLineSchema>;

export interface XBatchCompliance {
  /** Creates a job for posts. A 403 (the token's plan lacks batch compliance) throws PermanentError X_FORBIDDEN. */
  createJob(name: string): Promise<ComplianceJob>;
  uploadIds(job: ComplianceJob, ids: readonly string[]): Promise<void>;
  getJob(jobId: string): Promise<ComplianceJob>;
  downloadResults(job: ComplianceJob): Promise<ComplianceResultLine[]>;
}

export interface XBatchComplianceOptions {
  client: TwitterApi;
  rateBudget?: ScopedRateBudget;
}

function readJob(body: unknown, what: string): ComplianceJob {
  const parsed = jobEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).slice(0, 3).join('; ');
    throw new PermanentError('X_MALFORMED_PAYLOAD', `X sent a compliance job (${what}) Groundswell cannot read (${problem})`);
  }
  return parsed.data.data;
}

/** Parses the NDJSON result whole: one bad line rejects the file, so nothing is purged on a guess. */
export function readComplianceResults(text: string): ComplianceResultLine[] {
  const lines: ComplianceResultLine[] = [];
  text.split(/\r?\n/u).forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new PermanentError('X_MALFORMED_PAYLOAD', `X's compliance result line ${index + 1} is not JSON; nothing was purged`);
    }
    const parsed = resultLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PermanentError('X_MALFORMED_PAYLOAD', `X's compliance result line ${index + 1} is not a compliance event (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); nothing was purged`);
    }
    lines.push(parsed.data);
  });
  return lines;
}

export function createXBatchCompliance(options: XBatchComplianceOptions): XBatchCompliance {
  const { client, rateBudget } = options;
  const storage = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw classifyXError(error, `compliance storage (${what})`);
    }
  };
  return {
    async createJob(name) {
      const response = await sendWithinBudget(rateBudget, 'compliance/jobs', () => client.v2.post<unknown>('compliance/jobs', { type: 'tweets', name: name.slice(0, 64) }, { fullResponse: true }));
      return readJob(response.data, 'create');
    },
    async uploadIds(job, ids) {
      await storage('upload', () =>
        client.v2.put(job.upload_url, Buffer.from(`${ids.join('\n')}\n`, 'utf8'), {
          forceBodyMode: 'raw',
          enableAuth: false,
          headers: { 'Content-Type': 'text/plain' },
          prefix: '',
        }),
      );
    },
    async getJob(jobId) {
      if (!/^\d{1,20}$/u.test(jobId)) throw new PermanentError('X_COMPLIANCE_JOB', `"${jobId}" is not an X compliance job id`);
      const response = await sendWithinBudget(rateBudget, 'compliance/jobs', () => client.v2.get<unknown>(`compliance/jobs/${jobId}`, undefined, { fullResponse: true }));
      return readJob(response.data, 'status');
    },
    async downloadResults(job) {
      const body = await storage('download', () => client.v2.get<unknown>(job.download_url, undefined, { enableAuth: false, prefix: '', forceParseMode: 'text' }));
      if (typeof body !== 'string') throw new PermanentError('X_MALFORMED_PAYLOAD', 'X sent a compliance result that is not text; nothing was purged');
      return readComplianceResults(body);
    },
  };
}
