import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

// Bull Board's page resolves its assets against <base href> and styles its loading screen inline;
// it needs no inline script (its one inline <script> is JSON data, which browsers do not run).
const BOARD_CSP = CONTENT_SECURITY_POLICY.replace("base-uri 'none'", "base-uri 'self'") + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/**
 * Bull Board at /admin/queues, for admins only. Its bundled UI cannot send our CSRF header, so its
 * changes (retry, clean, pause) must come from a same-origin page instead.
 */
export async function registerQueueBoard(app: FastifyInstance, queues: readonly Queue[]): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'Groundswell queues' } } });
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'admin', csrf: 'same-origin', contentSecurityPolicy: BOARD_CSP };
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
