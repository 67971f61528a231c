import { z } from 'zod';
import { parseRankingRequest, topCommentThreads } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { rankingQuery } from './launch-analytics-schemas.js';

export const threadView = z.object({
  root: z.object({
    id: z.number().int(),
    externalId: z.string(),
    url: z.string().nullable(),
    text: z.string().nullable().describe('untrusted: render as text, never as HTML'),
    createdAt: z.string(),
    author: z.object({ handle: z.string().nullable(), name: z.string().nullable() }).nullable(),
    localities: z.array(z.string()),
  }),
  replies: z.number().int().describe('replies at any depth made in the window'),
  participants: z.number().int(),
  lastReplyAt: z.string().nullable(),
  depth: z.number().int(),
});

const threadRow = z.object({ rank: z.number().int(), ...threadView.shape });

export const launchThreadsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/threads',
    tag: 'launch analytics',
    summary: 'The site comment threads with the most replies in the window',
    access: 'viewer',
    params: launchParams,
    query: rankingQuery,
    response: z.object({ items: z.array(threadView) }),
    csv: { filename: 'comment-threads', row: threadRow, rows: (result) => result.items.map((thread, index) => ({ rank: index + 1, ...thread })) },
    handler({ params, query, services }) {
      const request = parseRankingRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('threads', request), async () => ({ items: await topCommentThreads(services.db, request) }));
    },
  }),
];
