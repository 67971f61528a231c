// The shapes the dashboard reads from the HTTP API (see /api/openapi.json). Only what it uses. The type-check
// holds them to the API's response schemas (tests/dashboard/api-types-match-the-api.ts).

export type Role = 'viewer' | 'admin';
export type Bucket = 'hour' | 'day';
export type Platform = 'x' | 'site';

export interface Point {
  x: number;
  y: number;
}

export interface Instance {
  name: string;
  demo: boolean;
}

export interface Session {
  user: { id: number; email: string; role: Role };
  via: 'session' | 'token';
  csrfToken: string | null;
  expiresAt: string | null;
}

export interface Locality {
  slug: string;
  name: string;
  enabled: boolean;
}

export interface Launch {
  slug: string;
  title: string;
  at: string;
  url: string | null;
  description: string | null;
  managedBy: 'config' | 'dashboard';
  enabled: boolean;
}

export interface SourceSummary {
  slug: string;
  kind: string;
  target: string | null;
  enabled: boolean;
  status: string;
}

export interface CampaignDetail {
  campaign: { slug: string; name: string; timezone: string; enabled: boolean };
  localities: Locality[];
  launches: Launch[];
  sources: SourceSummary[];
}

export interface CampaignListItem {
  slug: string;
  name: string;
  timezone: string;
  enabled: boolean;
}

export interface MetricSeries {
  posts: Point[];
  uniqueAuthors: Point[];
  engagement: Point[];
  reach: Point[];
  cumulative: { posts: Point[]; engagement: Point[] };
}

export interface WindowInfo {
  from: string;
  to: string;
  before: number;
  after: number;
  bucket: Bucket;
  requestedBucket: Bucket | null;
  bucketClamped: boolean;
  /** The instant the answer describes. */
  asOf: string;
  /** Buckets started at asOf; series are zero-filled beyond, where nothing has happened yet. */
  startedBuckets: number;
}

export interface BucketInfo {
  t: number;
  start: string;
  end: string;
  localStart: string;
}

export interface SeriesGroup {
  slug: string | null;
  name: string;
  metrics: MetricSeries;
}

export interface LaunchSeries {
  campaign: { slug: string; name: string; timezone: string };
  launch: { slug: string; title: string; at: string };
  window: WindowInfo;
  buckets: BucketInfo[];
  total: MetricSeries;
  split: { by: 'locality' | 'platform' | 'source'; groups: SeriesGroup[] } | null;
}

export interface Interval {
  lower: number;
  upper: number | null;
  confidence: number;
}

export type Lift =
  | { status: 'ok'; baselineMean: number; postMean: number; lift: number; interval: Interval | null }
  | { status: 'not-enough-baseline' | 'not-started'; baselineMean: number; postMean: number | null; reason: string };

export interface LiftRow {
  slug: string | null;
  name: string;
  posts: Lift;
  uniqueAuthors: Lift;
  engagement: Lift;
  reach: Lift;
}

export interface LaunchLift {
  baseline: { days: number; from: string; to: string };
  post: { days: number; from: string; to: string };
  method: string;
  total: LiftRow;
  byLocality: LiftRow[];
  bySource: LiftRow[];
}

export interface HalfLifeValue {
  hours: number | null;
  total: number;
}

export interface LaunchHalfLife {
  windowHours: number;
  complete: boolean;
  accrued: HalfLifeValue;
  byPostTime: HalfLifeValue;
}

export interface LabelledSeries {
  label: string;
  points: Point[];
  cumulative: Point[];
}

export interface EngagementAccrual {
  window: WindowInfo;
  buckets: BucketInfo[];
  accrued: LabelledSeries;
  byPostTime: LabelledSeries;
}

export interface Author {
  handle: string | null;
  name: string | null;
}

export interface TopPost {
  id: number;
  platform: Platform;
  kind: string;
  url: string | null;
  text: string | null;
  createdAt: string;
  author: (Author & { followers: number | null }) | null;
  engagement: number;
  localities: string[];
}

export interface Contributor {
  platform: Platform;
  handle: string | null;
  name: string | null;
  url: string | null;
  followers: number | null;
  posts: number;
  engagement: number;
}

export interface TopContributors {
  byPosts: Contributor[];
  byEngagement: Contributor[];
}

export interface CommentThread {
  root: { id: number; externalId: string; url: string | null; text: string | null; createdAt: string; author: Author | null; localities: string[] };
  replies: number;
  participants: number;
  lastReplyAt: string | null;
  depth: number;
}

export interface PostItem {
  id: number;
  platform: Platform;
  externalId: string;
  kind: string;
  createdAt: string;
  url: string | null;
  text: string | null;
  author: Author | null;
  deleted: boolean;
  parentExternalId: string | null;
  localities: string[];
  localityOverride: boolean;
  metrics: { likes: number; reposts: number; replies: number; quotes: number };
}

export interface LaunchComparison {
  bucket: Bucket;
  t: number[];
  launches: { slug: string; title: string; at: string; window: WindowInfo; metrics: MetricSeries }[];
}

export interface CoverageGap {
  source: string;
  runKind: string;
  from: string;
  to: string | null;
  reasons: string[];
  runs: number;
  lastError: string | null;
}

export interface SourceHealth {
  slug: string;
  kind: string;
  target: string | null;
  enabled: boolean;
  every: number;
  status: string;
  statusText: string;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  lastError: { code: string | null; explanation: string; message: string; at: string | null } | null;
  runs: {
    total: number;
    succeeded: number;
    failed: number;
    rateLimited: number;
    interrupted: number;
    running: number;
    fetched: number;
    newPosts: number;
    updatedPosts: number;
    rateLimitWaits: number;
    rateLimitWaitMs: number;
  };
  coverageGaps: CoverageGap[];
}

export interface User {
  id: number;
  email: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}
