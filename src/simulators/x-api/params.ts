import { invalidRequest, type InvalidParameter, type ProblemBody } from './problems.js';
import { TWEET_ID_PATTERN } from './snowflake.js';

// Request parameter checks shared by the endpoints. Each records every problem it finds, because X
// lists all invalid parameters in one 400 rather than stopping at the first.

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
  ) {
    super(`${status} ${body.title}`);
    this.name = 'HttpProblem';
  }
}

export function throwIfInvalid(issues: readonly InvalidParameter[]): void {
  if (issues.length > 0) throw new HttpProblem(400, invalidRequest(issues));
}

export function rejectUnknownParameters(query: URLSearchParams, allowed: readonly string[], issues: InvalidParameter[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name)) {
      issues.push({ parameter: name, value: query.get(name) ?? '', message: `The query parameter [${name}] is not one of [${allowed.join(',')}]` });
    }
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/u;

export function parseTime(query: URLSearchParams, name: string, issues: InvalidParameter[]): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const ms = ISO_DATE_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) {
    issues.push({ parameter: name, value: raw, message: `Invalid '${name}':'${raw}'. '${name}' must be a valid RFC 3339 date-time, e.g. 2021-01-06T18:40:40.000Z` });
    return undefined;
  }
  return ms;
}

export function parseId(query: URLSearchParams, name: string, issues: InvalidParameter[]): bigint | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!TWEET_ID_PATTERN.test(raw)) {
    issues.push({ parameter: name, value: raw, message: `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$` });
    return undefined;
  }
  return BigInt(raw);
}

export function parseIntegerInRange(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
  fallback: number,
  issues: InvalidParameter[],
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^-?\d+$/u.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    issues.push({ parameter: name, value: raw, message: `The \`${name}\` query parameter value [${raw}] is not between ${min} and ${max}` });
    return fallback;
  }
  return value;
}

export function parseEnum<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
  issues: InvalidParameter[],
): T {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    issues.push({ parameter: name, value: raw, message: `The \`${name}\` query parameter value [${raw}] is not one of [${allowed.join(',')}]` });
    return fallback;
  }
  return raw as T;
}
