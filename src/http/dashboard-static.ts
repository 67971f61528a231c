import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../runtime/package-root.js';
import { registerWithAccess } from './auth/authenticate.js';

// The dashboard is static files built by dashboard/build.mjs: index.html (the same page answers / and
// /login; the script picks the view), and content-hashed app-….js / app-….css. They carry no data,
// so they are public; everything they show comes from /api/…, behind a session. Files are registered
// one route each (no wildcard), so an unknown path stays private (401 before 404) like the rest.

export const defaultDashboardDir = () => join(packageRoot(), 'dist', 'dashboard');

const HASHED_ASSET = /-[A-Z0-9]{8,}\.(?:js|css)$/i;

export async function registerDashboard(app: FastifyInstance, dir: string): Promise<void> {
  await registerWithAccess(app, 'public', async (scope) => {
    if (!existsSync(join(dir, 'index.html'))) {
      const notBuilt = `The dashboard has not been built (no ${join(dir, 'index.html')}); run npm run build. The API under /api/ works without it.\n`;
      for (const url of ['/', '/login']) scope.get(url, (_request, reply) => reply.status(503).type('text/plain; charset=utf-8').send(notBuilt));
      return;
    }
    await scope.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      setHeaders(response, path) {
        // Hashed names change with their content, so they may be kept for good; the page must be re-checked to pick up new ones.
        void response.header('cache-control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    scope.get('/login', (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  });
}
