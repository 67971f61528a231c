// The fake X API's public surface, for tests, benchmarks and the demo.
export { startFakeXApi, DEFAULT_RATE_LIMITS } from './server.js';
export type { FakeXApi, FakeXApiOptions, FieldRequest, RequestLogEntry, RateLimitedEndpoint } from './server.js';
export type { FaultSpec, XEndpoint } from './faults.js';
export type { RateLimitRule, RateLimitState } from './rate-limit.js';
export { generateXDataset, generateLiveActivity } from './dataset.js';
export type { GenerateXDatasetOptions, LiveActivityOptions, LiveActivity, MetricUpdate } from './dataset.js';
export { parseQuery, compileQuery, matchesQuery, matchableFromTweet, QuerySyntaxError } from './query.js';
export type { QueryNode, MatchableTweet } from './query.js';
export { snowflakeFor, snowflakeTime, compareIds } from './snowflake.js';
export { extractEntities } from './entities.js';
export type * from './types.js';
