import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keptAnswerJson } from './analytics-cache.js';
import type { AnyApiRoute, ApiServices } from './api-route.js';
import { csvColumns, prefersCsv, toCsv } from '../export/csv.js';
import { parseInput } from './validate.js';

// Turns route objects (api-route.ts) into Fastify routes: validation of path, query and body with
// their zod schemas, the handler, and for CSV-capable lists a twin at `<path>.csv` plus content
// negotiation on the plain path.

function nextPageLink(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, 'http://placeholder');
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

async function sendCsv(route: AnyApiRoute, result: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const csv = route.csv!;
  const cursor = (result as { nextCursor?: unknown }).nextCursor;
  // A CSV page has no room for the cursor, so the next page travels in a Link header (RFC 8288).
  if (typeof cursor === 'string') void reply.header('link', nextPageLink(request, cursor));
  return reply
    .header('content-type', 'text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${csv.filename.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`)
    .send(toCsv(csvColumns(csv.row), csv.rows(result)));
}

export function registerApiRoutes(app: FastifyInstance, routes: readonly AnyApiRoute[], services: ApiServices): void {
  for (const route of routes) {
    if (route.csv && route.method !== 'GET') throw new Error(`${route.method} ${route.path}: only GET routes can have a CSV twin`);
    const run = async (request: FastifyRequest, reply: FastifyReply, format: 'negotiate' | 'csv') => {
      const params = route.params ? parseInput(route.params, request.params, 'path') : {};
      const query = route.query ? parseInput(route.query, request.query ?? {}, 'query') : {};
      const body = route.body ? parseInput(route.body, request.body, 'body') : undefined;
      const result: unknown = await route.handler({ params, query, body, principal: request.principal, request, reply, services });
      if (route.status === 204) return reply.status(204).send();
      if (route.csv) {
        void reply.header('vary', 'Accept');
        if (format === 'csv' || prefersCsv(request.headers.accept)) return sendCsv(route, result, request, reply);
      }
      const kept = keptAnswerJson(result);
      if (kept !== undefined) return reply.status(route.status ?? 200).type('application/json; charset=utf-8').send(kept);
      return reply.status(route.status ?? 200).send(result);
    };
    const shared = {
      config: { access: route.access },
      ...(route.preHandlers ? { preHandler: route.preHandlers(app, services) } : {}),
    };
    app.route({ method: route.method, url: route.path, ...shared, handler: (request, reply) => run(request, reply, 'negotiate') });
    if (route.csv) {
      app.route({ method: 'GET', url: `${route.path}.csv`, ...shared, handler: (request, reply) => run(request, reply, 'csv') });
    }
  }
}
