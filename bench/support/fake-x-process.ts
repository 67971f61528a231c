import { compileQuery, generateXDataset, matchableFromTweet, startFakeXApi } from '../../src/simulators/x-api/index.js';
import { TWEET_REQUEST_FIELDS } from '../../src/sources/x/payload.js';

// The fake X API in its own process, so a benchmark's memory and CPU figures are the pipeline's, not
// the simulator's. Prints one JSON line {url, matching} on stdout, then serves until stdin closes.

const count = Number(process.env.FAKE_X_POSTS ?? 10_000);
const token = process.env.FAKE_X_TOKEN ?? 'bench-token';
const limit = process.env.FAKE_X_LIMIT ? Number(process.env.FAKE_X_LIMIT) : undefined;
const windowMs = Number(process.env.FAKE_X_WINDOW_MS ?? 900_000);
const now = Date.now();
const dataset = generateXDataset({ seed: 2026, count, start: new Date(now - 6 * 86_400_000), end: new Date(now - 3_600_000), authorCount: Math.max(200, Math.round(count / 8)) });
const users = new Map(dataset.users.map((u) => [u.id, u]));
const matches = compileQuery('#RSAhealth');
const matching = dataset.tweets.filter((t) => matches(matchableFromTweet(t, (id) => users.get(id)))).length;
const rate = limit === undefined ? { limit: 10_000_000, windowMs } : { limit, windowMs };
const fake = await startFakeXApi({ bearerToken: token, dataset, rateLimits: { 'search/recent': rate, 'search/all': rate, 'counts/all': { limit: 10_000, windowMs }, 'counts/recent': { limit: 10_000, windowMs } } });
// X's own servers' CPU is not part of the pipeline being measured, but on the benchmark machine the
// fake shares two cores with it. Rendering every post for the fields the collector asks for (and
// preparing its search match data) before the clock starts leaves the fake mostly copying cached
// bytes while the pipeline runs.
fake.prerender(TWEET_REQUEST_FIELDS);
process.stdout.write(`${JSON.stringify({ url: fake.url, matching })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
