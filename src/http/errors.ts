import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AnalyticsNotFoundError, AnalyticsRequestError } from '../analytics/index.js';

/** An error a route raises on purpose: its message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra fields for the error body (e.g. which parameter was wrong). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export type ParameterLocation = 'path' | 'query' | 'body' | 'header';

/** A request parameter that failed validation: the body names it and says why. */
export class BadParameterError extends HttpError {
  constructor(parameter: string, location: ParameterLocation, message: string) {
    super(400, 'BAD_PARAMETER', message, { parameter, in: location });
    this.name = 'BadParameterError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} does not exist`);
export const conflict = (message: string) => new HttpError(409, 'CONFLICT', message);

/** Every error leaves the server in one shape: `{ error: { code, message, ...details } }`. */
export function errorBody(error: HttpError): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.message, ...error.details } };
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.status(error.statusCode).send(errorBody(error));
}

// Fastify's own client errors, given codes and words a client can act on.
const FASTIFY_ERRORS: Record<string, (error: FastifyError) => HttpError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new BadParameterError('body', 'body', 'is empty but the Content-Type says JSON'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new BadParameterError('body', 'body', 'is not valid JSON'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new BadParameterError('content-length', 'header', 'does not match the body'),
};

function asHttpError(error: FastifyError | HttpError): HttpError | undefined {
  if (error instanceof HttpError) return error;
  // Analytics parse their own requests (query parameters) and look up what they name; their errors
  // already name the parameter, so they keep it here.
  if (error instanceof AnalyticsRequestError) return new BadParameterError(error.parameter, 'query', error.message);
  if (error instanceof AnalyticsNotFoundError) return new HttpError(404, 'NOT_FOUND', error.message, { parameter: error.parameter });
  const known = FASTIFY_ERRORS[error.code];
  if (known) return known(error);
  // A body that is not JSON at all surfaces as a SyntaxError with status 400.
  if (error instanceof SyntaxError && error.statusCode === 400) return new BadParameterError('body', 'body', 'is not valid JSON');
  return undefined;
}

/** node-postgres's pool gave up waiting for a free connection: the server is busy, not broken. */
const isPoolBusy = (error: Error) => /timeout exceeded when trying to connect/i.test(error.message);

/** One place maps errors to statuses; 5xx details stay in the log, never in the response. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (isPoolBusy(error)) {
      request.log.warn('every database connection is busy: answered 503');
      void reply.header('retry-after', '2');
      return sendError(reply, new HttpError(503, 'BUSY', 'The server is busy; try again in a moment.'));
    }
    const known = asHttpError(error);
    if (known && known.statusCode < 500) return sendError(reply, known);
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, new HttpError(status, 'INTERNAL', 'Something went wrong on the server; the details are in its log.'));
    }
    return sendError(reply, new HttpError(status, error.code ?? 'BAD_REQUEST', error.message));
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new HttpError(404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)));
}
