import { redactUrl } from '../config/secret.js';

const HOW_TO_START = 'Start it with `docker compose up -d postgres redis`, or point the URL at a running server.';

/** PostgreSQL or Redis could not be reached: says which, where, and how to start it. */
export class ServiceUnreachableError extends Error {
  readonly code = 'SERVICE_UNREACHABLE';
  constructor(
    readonly service: 'PostgreSQL' | 'Redis',
    readonly address: string,
    readonly envVar: 'DATABASE_URL' | 'REDIS_URL',
    reason: string,
  ) {
    super(`${service} is not reachable at ${redactUrl(address)} (${envVar}): ${reason}. ${HOW_TO_START}`);
    this.name = 'ServiceUnreachableError';
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'ENETUNREACH']);

/** True for errors that mean "the server is not there", as opposed to a bad query or a bad password. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return /connect(ion)? (timeout|refused)|Connection terminated|ECONNREFUSED/i.test(error.message);
}

export function describeConnectionError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeConnectionError(error.errors[0]);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ETIMEDOUT') return 'connection timed out';
  return error instanceof Error ? error.message : String(error);
}
