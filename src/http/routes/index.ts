import type { AnyApiRoute } from '../api-route.js';
import { campaignRoutes } from './campaigns.js';
import { instanceRoutes } from './instance.js';
import { launchAccrualRoutes } from './launch-accrual.js';
import { launchComparisonRoutes } from './launch-comparison.js';
import { launchHalfLifeRoutes } from './launch-half-life.js';
import { launchLiftRoutes } from './launch-lift.js';
import { launchSeriesRoutes } from './launch-series.js';
import { launchThreadsRoutes } from './launch-threads.js';
import { launchTopContributorsRoutes } from './launch-top-contributors.js';
import { launchTopPostsRoutes } from './launch-top-posts.js';
import { launchRoutes } from './launches.js';
import { postRoutes } from './posts.js';
import { sessionRoutes } from './session.js';
import { sourceRoutes } from './sources.js';
import { userRoutes } from './users.js';

/**
 * Every JSON/CSV endpoint of the API. A new endpoint is a route file exporting defineRoute()
 * objects, listed here; validation, auth, CSV and the OpenAPI description follow from the objects.
 */
export const apiRoutes: readonly AnyApiRoute[] = [
  ...instanceRoutes,
  ...sessionRoutes,
  ...campaignRoutes,
  ...launchRoutes,
  ...launchSeriesRoutes,
  ...launchLiftRoutes,
  ...launchHalfLifeRoutes,
  ...launchAccrualRoutes,
  ...launchTopPostsRoutes,
  ...launchTopContributorsRoutes,
  ...launchThreadsRoutes,
  ...launchComparisonRoutes,
  ...sourceRoutes,
  ...postRoutes,
  ...userRoutes,
];
