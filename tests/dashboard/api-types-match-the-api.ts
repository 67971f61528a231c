import type { z } from 'zod';
import type * as Dashboard from '../../dashboard/src/api-types.js';
import type { campaignSummary, sourceSummary } from '../../src/http/routes/campaigns.js';
import type { instanceView } from '../../src/http/routes/instance.js';
import type { accrualView } from '../../src/http/routes/launch-accrual.js';
import type { comparisonView } from '../../src/http/routes/launch-comparison.js';
import type { halfLifeView } from '../../src/http/routes/launch-half-life.js';
import type { launchLiftView } from '../../src/http/routes/launch-lift.js';
import type { seriesView } from '../../src/http/routes/launch-series.js';
import type { threadView } from '../../src/http/routes/launch-threads.js';
import type { contributorView } from '../../src/http/routes/launch-top-contributors.js';
import type { topPostView } from '../../src/http/routes/launch-top-posts.js';
import type { postView } from '../../src/http/routes/posts.js';
import type { campaignView, launchView, localityView, userView } from '../../src/http/routes/schemas.js';
import type { sessionView } from '../../src/http/routes/session.js';
import type { gapView, sourceHealthView } from '../../src/http/routes/sources.js';

// The dashboard states the shapes it reads from the API in dashboard/src/api-types.ts, because its
// bundle must not import server code. This file, type-checked with the rest (`npm run typecheck`),
// holds those statements to the API's own response schemas: a field renamed, dropped or retyped on
// either side fails the type-check instead of leaving a chart silently empty.

/** What JSON.stringify makes of a response: dates become strings. */
type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
type Sent<S extends z.ZodType> = Wire<z.output<S>>;
/** The API's answer can be read as the dashboard's type. */
type Readable<Api, Read> = [Api] extends [Read] ? true : { api: Api; dashboardReads: Read };
const check = <T extends true>(value: T): T => value;

export const dashboardTypesMatchTheApi = [
  check<Readable<Sent<typeof instanceView>, Dashboard.Instance>>(true),
  check<Readable<Sent<typeof sessionView>, Dashboard.Session>>(true),
  check<Readable<Sent<typeof campaignSummary>, Dashboard.CampaignListItem>>(true),
  check<Readable<{ campaign: Sent<typeof campaignView>; localities: Sent<typeof localityView>[]; launches: Sent<typeof launchView>[]; sources: Sent<typeof sourceSummary>[] }, Dashboard.CampaignDetail>>(true),
  check<Readable<Sent<typeof sourceHealthView>, Dashboard.SourceHealth>>(true),
  check<Readable<Sent<typeof gapView>, Dashboard.CoverageGap>>(true),
  check<Readable<Sent<typeof postView>, Dashboard.PostItem>>(true),
  check<Readable<Sent<typeof userView>, Dashboard.User>>(true),
  check<Readable<Sent<typeof seriesView>, Dashboard.LaunchSeries>>(true),
  check<Readable<Sent<typeof launchLiftView>, Dashboard.LaunchLift>>(true),
  check<Readable<Sent<typeof accrualView>, Dashboard.EngagementAccrual>>(true),
  check<Readable<Sent<typeof halfLifeView>, Dashboard.LaunchHalfLife>>(true),
  check<Readable<Sent<typeof topPostView>, Dashboard.TopPost>>(true),
  check<Readable<{ byPosts: Sent<typeof contributorView>[]; byEngagement: Sent<typeof contributorView>[] }, Dashboard.TopContributors>>(true),
  check<Readable<Sent<typeof threadView>, Dashboard.CommentThread>>(true),
  check<Readable<Sent<typeof comparisonView>, Dashboard.LaunchComparison>>(true),
];
