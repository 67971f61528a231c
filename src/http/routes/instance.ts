import { z } from 'zod';
import { defineRoute } from '../api-route.js';

// What the dashboard needs before anyone signs in: the product's name and whether the data is
// simulated (demo mode), so even the sign-in page can say so. Nothing here is campaign data.

export const instanceView = z.object({ name: z.literal('Groundswell'), demo: z.boolean().describe('true when every source is a built-in simulator: the data is simulated') });

export const instanceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/instance',
    tag: 'meta',
    summary: 'This installation: its name, and whether it runs in demo mode on simulated data',
    access: 'public',
    response: instanceView,
    handler: ({ services }) => ({ name: 'Groundswell' as const, demo: services.demo ?? false }),
  }),
];
