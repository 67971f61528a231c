import type { FastifyError, FastifyInstance } from 'fastify';

/** An error a route raises on purpose: its message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** One place maps errors to statuses; 5xx details stay in the log, never in the response. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({ error: 'internal', message: 'Something went wrong on the server; the details are in its log.' });
    }
    const code = error instanceof HttpError ? error.code : (error.code ?? 'bad-request');
    return reply.status(status).send({ error: code, message: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'not-found', message: `No route for ${request.method} ${request.url.split('?')[0]}` }));
}
