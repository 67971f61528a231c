import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compileQuery,
  generateLiveActivity,
  generateXDataset,
  matchableFromTweet,
  startFakeXApi,
  type FakeXApi,
  type RateLimitedEndpoint,
  type RateLimitRule,
  type XDataset,
} from '../../src/simulators/x-api/index.js';
import { generateLiveComments, generateWordPressDataset, startFakeWordPress, type FakeComment, type FakeWordPress } from '../../src/simulators/wordpress/index.js';
import { commentExternalId, siteKeyOf } from '../../src/sources/site-comment/site-ids.js';

// The outside world of the fault suite: a fake X API and a fake WordPress blog with realistic
// campaign datasets, in the test process, that keep producing new posts and comments on demand, and
// know exactly what a correct Groundswell must end up with (the ground truth).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const X_SOURCE = 'rsahealth-x';
export const SITE_SOURCE = 'hsm-blog';
export const QUERY = '#RSAhealth';

export interface CampaignFakesOptions {
  seed: string;
  /** Posts in the X history (default 2,000; about nine in ten match the query). */
  tweets?: number;
  /** Comments of every status on the blog (default 900; about nine in ten are public). */
  comments?: number;
  /** Extra wait on every search and comments page, so a kill or a restart lands mid-pagination. */
  pageDelayMs?: number;
  /** X's rate-limit windows (default: generous, so only the faults a test injects limit anything). */
  rateLimits?: Partial<Record<RateLimitedEndpoint, RateLimitRule>>;
}

export interface ConfigOptions {
  /** How often each source runs (default 2s). */
  every?: string;
  /** The politeness gap to the blog's host (default 20ms). */
  minInterval?: string;
}

export interface XTruth {
  /** Every post X's search returns for the query, by id. */
  ids: Set<string>;
  /** Ascending by id (snowflakes: numeric order). */
  sorted: string[];
  newestId: string;
}

export interface CommentTruth {
  ids: Set<string>;
  /** Public comments oldest first, as the REST API orders them (date, then id). */
  sorted: { externalId: string; at: string }[];
  /** The newest public comment's date as the cursor stores it. */
  after: string;
}

export class CampaignFakes {
  readonly token: string;
  readonly dir: string;
  #activityClock: number;
  #burst = 0;

  private constructor(
    readonly seed: string,
    readonly x: FakeXApi,
    readonly wp: FakeWordPress,
    private readonly dataset: XDataset,
    startOfActivity: number,
    token: string,
    /** The campaign's launch, two days ago: the history and the blog have their spike after it. */
    readonly launchAt: Date,
  ) {
    this.token = token;
    this.#activityClock = startOfActivity;
    this.dir = mkdtempSync(join(tmpdir(), 'gs-faults-'));
  }

  static async start(options: CampaignFakesOptions): Promise<CampaignFakes> {
    const now = Date.now();
    // History up to twelve hours ago; live bursts then fill the hours after it, so every new post and
    // comment is newer than everything before it and still in the past (X never serves the future).
    const historyEnd = now - 12 * HOUR;
    const launch = new Date(now - 2 * DAY);
    const dataset = generateXDataset({ seed: options.seed, count: options.tweets ?? 2_000, start: new Date(now - 3 * DAY), end: new Date(historyEnd), launches: [launch] });
    const blog = generateWordPressDataset({
      seed: options.seed,
      posts: 25,
      comments: options.comments ?? 900,
      start: new Date(now - 3 * DAY),
      end: new Date(historyEnd),
      launches: [{ title: 'Health as a Social Movement: The Power of People in Movements', at: launch }],
    });
    const token = `fault-suite-bearer-${options.seed}-0123456789abcdef`;
    const generous: RateLimitRule = { limit: 100_000, windowMs: 15 * MINUTE };
    const x = await startFakeXApi({
      bearerToken: token,
      dataset,
      rateLimits: { 'search/recent': generous, tweets: generous, 'compliance/jobs': generous, ...options.rateLimits },
    });
    const wp = await startFakeWordPress({ dataset: blog });
    // The generators let a few replies fall just after `end`: live activity starts after the newest of everything, so
    // it is never "late" (a comment dated before the incremental cursor is the reconciliation sweep's job, not tested here).
    const newest = Math.max(historyEnd, ...dataset.tweets.map((t) => Date.parse(t.created_at)), ...blog.comments.map((c) => c.dateGmt.getTime()));
    const activityStart = Math.ceil((newest + 1) / 1_000) * 1_000;
    const fakes = new CampaignFakes(options.seed, x, wp, { tweets: [...dataset.tweets], users: dataset.users, places: dataset.places }, activityStart, token, launch);
    fakes.setPageDelay(options.pageDelayMs ?? 0);
    return fakes;
  }

  /** Every search and comments page answers this much later from now on (0: no delay). */
  setPageDelay(ms: number): void {
    this.x.clearFaults();
    this.wp.clearFaults();
    if (ms <= 0) return;
    this.x.injectFault({ endpoint: 'search/recent', delayMs: ms, times: 1_000_000 });
    this.wp.injectFault({ kind: 'delay', ms }, { match: '/wp/v2/comments' });
  }

  /**
   * The next few minutes of campaign life on both fakes: new posts, replies and quotes on X (and new
   * engagement on older posts), new comments and replies on the blog.
   */
  addActivity(minutes = 5, perMinute = { tweets: 40, comments: 25 }): { tweets: number; comments: number } {
    const from = new Date(this.#activityClock);
    this.#activityClock += minutes * MINUTE;
    if (this.#activityClock > Date.now() - MINUTE) throw new Error('addActivity: the simulated clock has caught up with now (X serves nothing newer than 30 s ago); use fewer or shorter bursts');
    this.#burst += 1;
    const activity = generateLiveActivity({ seed: `${this.seed}:${this.#burst}`, dataset: this.dataset, from, minutes, postsPerMinute: perMinute.tweets });
    this.x.addTweets(activity.tweets);
    this.dataset.tweets.push(...activity.tweets);
    for (const update of activity.metricUpdates) this.x.updateMetrics(update.id, update.public_metrics);
    const comments = generateLiveComments({ seed: `${this.seed}:${this.#burst}`, posts: this.wp.posts(), comments: this.wp.comments(), from, minutes, commentsPerMinute: perMinute.comments });
    for (const comment of comments) this.wp.addComment(comment);
    return { tweets: activity.tweets.length, comments: comments.length };
  }

  xTruth(): XTruth {
    const users = new Map(this.dataset.users.map((u) => [u.id, u]));
    const matches = compileQuery(QUERY);
    const sorted = this.dataset.tweets
      .filter((t) => matches(matchableFromTweet(t, (id) => users.get(id))))
      .map((t) => t.id)
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    return { ids: new Set(sorted), sorted, newestId: sorted.at(-1) ?? '' };
  }

  commentTruth(): CommentTruth {
    const published = new Set(this.wp.posts().filter((p) => p.status === 'publish').map((p) => p.id));
    const site = siteKeyOf(new URL(this.wp.url));
    const visible = this.wp
      .comments()
      .filter((c: FakeComment) => c.status === 'approved' && c.type === 'comment' && published.has(c.postId))
      .sort((a, b) => a.dateGmt.getTime() - b.dateGmt.getTime() || a.id - b.id);
    const sorted = visible.map((c) => ({ externalId: commentExternalId(site, c.id), at: `${c.dateGmt.toISOString().slice(0, 19)}Z` }));
    return { ids: new Set(sorted.map((c) => c.externalId)), sorted, after: sorted.at(-1)?.at ?? '' };
  }

  /** The campaign config file pointing Groundswell's sources at the fakes; returns its path. */
  writeConfig(options: ConfigOptions = {}): string {
    const every = options.every ?? '2s';
    const yaml = `
campaigns:
  - slug: hsm
    name: Health as a Social Movement
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport], keywords: [Stockport], places: [Bramhall, Marple, Cheadle] }
      - { slug: oldham, name: Oldham, hashtags: [Oldham], keywords: [Oldham], places: [Chadderton, Royton] }
      - { slug: tameside, name: Tameside, hashtags: [Tameside], keywords: [Tameside], places: [Hyde, Stalybridge] }
    launches:
      - { slug: primer, title: "Health as a Social Movement: The Power of People in Movements", at: ${this.launchAt.toISOString()} }
    sources:
      - { slug: ${X_SOURCE}, kind: x-search, query: "${QUERY}", every: ${every} }
      - { slug: ${SITE_SOURCE}, kind: wordpress, url: "${this.wp.url}", every: ${every}, minInterval: ${options.minInterval ?? '20ms'}, sweep: { every: 1h, days: 1 } }
`;
    const path = join(this.dir, 'campaigns.yaml');
    writeFileSync(path, yaml);
    return path;
  }

  /** What a Groundswell process needs in its environment to reach the fake X API. */
  xEnvironment(): Record<string, string> {
    return { X_BEARER_TOKEN: this.token, X_API_BASE_URL: this.x.url };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.x.close(), this.wp.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
