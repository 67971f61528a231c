import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import { registerWithAccess } from './auth/authenticate.js';

/**
 * GET /metrics in Prometheus's text format, for a signed-in user or an API token (Prometheus sends
 * one with `authorization: { credentials: … }`), and the latency of every request.
 */
export async function registerMetrics(app: FastifyInstance, metrics: Metrics): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: one series per route, whatever ids the paths carry.
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode }, reply.elapsedTime / 1000);
  });
  await registerWithAccess(app, 'viewer', (scope) => {
    scope.get('/metrics', async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    });
  });
}
