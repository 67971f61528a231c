import { z } from 'zod';
import { parseRankingRequest, topPosts } from '../../analytics/index.js';
import { POST_KINDS, type PostKind } from '../../domain/post.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { rankingQuery } from './launch-analytics-schemas.js';

export const topPostView = z.object({
  id: z.number().int(),
  platform: z.enum(['x', 'site']),
  externalId: z.string(),
  kind: z.enum(POST_KINDS as readonly [PostKind, ...PostKind[]]),
  url: z.string().nullable(),
  text: z.string().nullable().describe('untrusted: render as text, never as HTML'),
  createdAt: z.string(),
  author: z.object({ handle: z.string().nullable(), name: z.string().nullable(), followers: z.number().int().nullable() }).nullable(),
  metrics: z.object({ likes: z.number().int(), reposts: z.number().int(), replies: z.number().int(), quotes: z.number().int() }),
  engagement: z.number().int(),
  localities: z.array(z.string()),
});

const topPostRow = z.object({ rank: z.number().int(), ...topPostView.shape });

export const launchTopPostsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/top-posts',
    tag: 'launch analytics',
    summary: "The window's posts and comments with the most engagement (latest counts)",
    access: 'viewer',
    params: launchParams,
    query: rankingQuery,
    response: z.object({ items: z.array(topPostView) }),
    csv: { filename: 'top-posts', row: topPostRow, rows: (result) => result.items.map((post, index) => ({ rank: index + 1, ...post })) },
    handler({ params, query, services }) {
      const request = parseRankingRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('top-posts', request), async () => ({ items: await topPosts(services.db, request) }));
    },
  }),
];
