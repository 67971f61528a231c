import { z } from 'zod';
import { parseRankingRequest, topContributors } from '../../analytics/index.js';
import { analyticsKey } from '../analytics-cache.js';
import { defineRoute } from '../api-route.js';
import { launchParams } from '../campaign-scope.js';
import { rankingQuery } from './launch-analytics-schemas.js';

export const contributorView = z.object({
  authorId: z.number().int(),
  platform: z.enum(['x', 'site']),
  handle: z.string().nullable(),
  name: z.string().nullable().describe('untrusted: render as text'),
  url: z.string().nullable(),
  followers: z.number().int().nullable(),
  posts: z.number().int(),
  engagement: z.number().int().describe('engagement of their posts in the window (latest counts)'),
});

const contributorRow = z.object({ ranking: z.enum(['posts', 'engagement']), rank: z.number().int(), ...contributorView.shape });

export const launchTopContributorsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches/:launch/top-contributors',
    tag: 'launch analytics',
    summary: "The window's most active authors: by number of posts, and by the engagement their posts drew",
    description: 'CSV: both rankings, one row per author and ranking.',
    access: 'viewer',
    params: launchParams,
    query: rankingQuery,
    response: z.object({ byPosts: z.array(contributorView), byEngagement: z.array(contributorView) }),
    csv: {
      filename: 'top-contributors',
      row: contributorRow,
      rows: (result) => [
        ...result.byPosts.map((author, index) => ({ ranking: 'posts' as const, rank: index + 1, ...author })),
        ...result.byEngagement.map((author, index) => ({ ranking: 'engagement' as const, rank: index + 1, ...author })),
      ],
    },
    handler({ params, query, services }) {
      const request = parseRankingRequest({ ...query, ...params });
      return services.analyticsCache.get(analyticsKey('top-contributors', request), () => topContributors(services.db, request));
    },
  }),
];
