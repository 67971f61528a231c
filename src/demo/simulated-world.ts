import { randomBytes } from 'node:crypto';
import type { CampaignConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { DAY_MS } from '../domain/launch/index.js';
import { createRandom } from '../simulators/prng.js';
import { generateLiveActivity, generateXDataset, startFakeXApi, type FakeXApi, type XDataset } from '../simulators/x-api/index.js';
import { generateLiveComments, generateWordPressDataset, startFakeWordPress, type FakeWordPress } from '../simulators/wordpress/index.js';

// The demo's stand-ins for X and the campaign blog: the same fake servers the tests use, on loopback
// ports, seeded with four weeks of #RSAhealth conversation around the campaign's launches and then
// kept alive: new posts, replies and quotes, engagement still arriving, blog comments with threads,
// and now and then a deleted post or a comment taken down. The real pipeline ingests all of it.

export interface SimulatedWorld {
  /** Origin of the fake X API (X_API_BASE_URL). */
  xApiUrl: string;
  /** The token the fake X API accepts; made up per run, never a real credential. */
  xBearerToken: string;
  /** Origin of the fake campaign blog. */
  siteUrl: string;
  /** The first simulated post: three weeks before the first launch (or before the 7 days recent search reaches). */
  historyStart: Date;
  close(): Promise<void>;
}

export interface SimulatedWorldOptions {
  campaign: CampaignConfig;
  seed?: string;
  /** How often new activity arrives (default 15 s). */
  tickMs?: number;
  logger?: Logger;
}


export async function startSimulatedWorld(options: SimulatedWorldOptions): Promise<SimulatedWorld> {
  const seed = options.seed ?? 'groundswell-demo';
  const now = new Date();
  const launches = options.campaign.launches.map((l) => ({ title: l.title, at: l.at })).filter((l) => l.at.getTime() < now.getTime());
  const firstLaunch = Math.min(now.getTime() - 7 * DAY_MS, ...launches.map((l) => l.at.getTime()));
  const start = new Date(firstLaunch - 21 * DAY_MS);
  const end = new Date(now.getTime() - 60_000);

  const xBearerToken = `demo-${randomBytes(12).toString('hex')}`;
  const dataset: XDataset = generateXDataset({ seed, count: 4_000, start, end, launches: launches.map((l) => l.at) });
  const x: FakeXApi = await startFakeXApi({ bearerToken: xBearerToken, dataset });
  let site: FakeWordPress;
  try {
    site = await startFakeWordPress({ dataset: generateWordPressDataset({ seed, posts: 40, comments: 700, start, end, launches }) });
  } catch (error) {
    await x.close();
    throw error;
  }

  const random = createRandom(`${seed}:demo-events`);
  let last = end;
  const tick = () => {
    const from = last;
    const to = new Date();
    const minutes = (to.getTime() - from.getTime()) / 60_000;
    if (minutes <= 0) return;
    last = to;
    try {
      const activity = generateLiveActivity({ seed, dataset, from, minutes, postsPerMinute: 6 });
      x.addTweets(activity.tweets);
      dataset.tweets.push(...activity.tweets);
      for (const update of activity.metricUpdates) x.updateMetrics(update.id, update.public_metrics);
      // Now and then someone deletes a post: the compliance checks must purge it.
      if (random.chance(0.1) && dataset.tweets.length > 0) x.deleteTweet(random.pick(dataset.tweets.slice(-200)).id);

      for (const comment of generateLiveComments({ seed, posts: site.posts(), comments: site.comments(), from, minutes, commentsPerMinute: 2 })) site.addComment(comment);
      // And now and then a moderator takes a comment down: the reconciliation sweep must purge it.
      const approved = site.comments().filter((c) => c.status === 'approved');
      if (random.chance(0.05) && approved.length > 0) site.setCommentStatus(random.pick(approved.slice(-50)).id, 'spam');
    } catch (error) {
      options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'demo: could not simulate new activity');
    }
  };
  const timer = setInterval(tick, options.tickMs ?? 15_000);
  timer.unref();

  return {
    xApiUrl: x.url,
    xBearerToken,
    siteUrl: site.url,
    historyStart: start,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([x.close(), site.close()]);
    },
  };
}
