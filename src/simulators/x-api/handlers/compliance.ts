import type { ComplianceJobType, ComplianceJobs, ComplianceJobStatus } from '../compliance.js';
import { genericProblem, invalidRequest, notFound, type InvalidParameter } from '../problems.js';
import { HttpProblem, parseEnum, rejectUnknownParameters, throwIfInvalid } from '../params.js';
import type { HandlerContext, HandlerResult } from './context.js';

const JOB_TYPES: readonly ComplianceJobType[] = ['tweets', 'users'];
const LISTABLE_STATUSES: readonly ComplianceJobStatus[] = ['created', 'in_progress', 'failed', 'complete'];

function parseJsonBody(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below as X does: one invalid-request problem about the body.
  }
  throw new HttpProblem(400, invalidRequest([{ parameter: 'body', value: body.slice(0, 100), message: 'The request body is not a valid JSON object' }]));
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
}

export function createJob(ctx: HandlerContext, jobs: ComplianceJobs): HandlerResult {
  const body = parseJsonBody(ctx.body);
  const issues: InvalidParameter[] = [];
  const { type, name, resumable } = body;
  if (typeof type !== 'string' || !(JOB_TYPES as readonly string[]).includes(type)) {
    issues.push({ parameter: 'type', value: describe(type), message: `The \`type\` body parameter value [${describe(type)}] is not one of [tweets,users]` });
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 64)) {
    issues.push({ parameter: 'name', value: describe(name), message: 'The `name` body parameter must be a string of at most 64 characters' });
  }
  if (resumable !== undefined && typeof resumable !== 'boolean') {
    issues.push({ parameter: 'resumable', value: describe(resumable), message: 'The `resumable` body parameter must be a boolean' });
  }
  for (const key of Object.keys(body)) {
    if (!['type', 'name', 'resumable'].includes(key)) issues.push({ parameter: key, value: describe(body[key]), message: `The body parameter [${key}] is not one of [type,name,resumable]` });
  }
  throwIfInvalid(issues);
  const job = jobs.create(type as ComplianceJobType, name as string | undefined, resumable === true);
  return { status: 200, body: { data: jobs.toWire(job, ctx.origin) } };
}

export function listJobs(ctx: HandlerContext, jobs: ComplianceJobs): HandlerResult {
  const issues: InvalidParameter[] = [];
  rejectUnknownParameters(ctx.query, ['type', 'status', 'compliance_job.fields'], issues);
  if (!ctx.query.has('type')) issues.push({ parameter: 'type', value: '', message: 'The `type` query parameter can not be empty' });
  const type = parseEnum(ctx.query, 'type', JOB_TYPES, 'tweets', issues);
  const status = ctx.query.has('status') ? parseEnum(ctx.query, 'status', LISTABLE_STATUSES, 'created', issues) : undefined;
  throwIfInvalid(issues);
  const data = jobs
    .list(type)
    .map((job) => jobs.toWire(job, ctx.origin))
    .filter((job) => status === undefined || job.status === status);
  if (data.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
  return { status: 200, body: { data, meta: { result_count: data.length } } };
}

export function getJob(ctx: HandlerContext, jobs: ComplianceJobs): HandlerResult {
  const issues: InvalidParameter[] = [];
  rejectUnknownParameters(ctx.query, ['compliance_job.fields'], issues);
  const id = ctx.pathParams.id ?? '';
  if (!/^[0-9]{1,19}$/u.test(id)) issues.push({ parameter: 'id', value: id, message: `The \`id\` path parameter value [${id}] does not match ^[0-9]{1,19}$` });
  throwIfInvalid(issues);
  const job = jobs.get(id);
  if (!job) throw new HttpProblem(404, notFound(`Could not find compliance job with id: [${id}].`));
  return { status: 200, body: { data: jobs.toWire(job, ctx.origin) } };
}

function storageJob(ctx: HandlerContext, jobs: ComplianceJobs) {
  const job = jobs.get(ctx.pathParams.id ?? '');
  // Signed storage URLs answer 403 for a wrong signature, like cloud storage does.
  if (!job || ctx.query.get('key') !== job.uploadKey) throw new HttpProblem(403, genericProblem(403));
  return job;
}

export function uploadIds(ctx: HandlerContext, jobs: ComplianceJobs): HandlerResult {
  const job = storageJob(ctx, jobs);
  const status = jobs.status(job);
  if (status === 'expired') throw new HttpProblem(400, genericProblem(400));
  if (status === 'created') jobs.upload(job, ctx.body);
  return { status: 200, text: '', contentType: 'text/plain; charset=utf-8' };
}

export function downloadResults(ctx: HandlerContext, jobs: ComplianceJobs): HandlerResult {
  const job = storageJob(ctx, jobs);
  if (jobs.status(job) !== 'complete') throw new HttpProblem(404, notFound('The results of this job are not ready yet.'));
  const lines = (job.result ?? []).map((line) => `${JSON.stringify(line)}\n`).join('');
  return { status: 200, text: lines, contentType: 'application/octet-stream' };
}
