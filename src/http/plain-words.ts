import type { SourceStatus } from '../store/sources.js';

// Source health in words campaign staff can act on. Collectors' own messages are precise but
// technical ("X answered 403 on /2/tweets/search/recent: …"); the dashboard shows these first and
// the technical message beneath.

const STATUS: Record<SourceStatus, string> = {
  new: 'Not run yet.',
  ok: 'Collecting normally.',
  failing: 'Failing: the last run did not finish. See the last error.',
  'rate-limited': 'Paused by the platform’s rate limit; it resumes by itself when the limit resets.',
  disabled: 'Switched off (disabled or removed in the config file).',
};

const ERRORS: Record<string, string> = {
  RATE_LIMITED: 'The platform’s rate limit was reached; collection resumes by itself when it resets.',
  X_NO_TOKEN: 'No X API token is configured (X_BEARER_TOKEN), so X cannot be searched.',
  X_UNAUTHORIZED: 'X refused the API token. Check X_BEARER_TOKEN.',
  X_FORBIDDEN: 'X does not allow this token to do this (the plan or the app’s permissions).',
  X_BAD_REQUEST: 'X rejected the search as written. Check the source’s query in the config file.',
  X_HTTP_ERROR: 'X answered with an error it did not explain.',
  X_SERVER_ERROR: 'X had a problem on its side; collection retries by itself.',
  X_NETWORK: 'X could not be reached (network); collection retries by itself.',
  X_MALFORMED_PAYLOAD: 'X sent an answer that could not be read; this run was stopped.',
  X_UNEXPECTED: 'Something unexpected went wrong talking to X; the details are in the worker log.',
  INTERRUPTED: 'The worker stopped in the middle of a run; the next run carries on from there.',
  SOURCE_LOCK_LOST: 'The worker lost its database connection in the middle of a run and stopped; the next run carries on from there.',
  RUN_LEASE_LOST: 'The worker lost its database connection in the middle of a refresh or compliance check and stopped; the next one carries on from there.',
  CONFIG_INVALID: 'The source’s settings in the config file are not valid.',
  BACKFILL_UNSUPPORTED: 'This kind of source cannot collect the past (backfill).',
  BACKFILL_EMPTY_WINDOW: 'The backfill window asked for holds nothing to collect.',
  UNEXPECTED: 'Something unexpected went wrong; the details are in the worker log.',
};

export const describeStatus = (status: SourceStatus) => STATUS[status];

/** A sentence for an error code; unknown codes fall back to the collector's own message. */
export const explainError = (code: string | null, message: string) => (code && ERRORS[code]) || message;
