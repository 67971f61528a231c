import {
  BIOS,
  ELSEWHERE,
  FIRST_NAMES,
  LINK_TARGETS,
  LOCALITIES,
  OFF_TOPIC_TEMPLATES,
  ORGANISATIONS,
  ORIGINAL_TEMPLATES,
  OTHER_LANGUAGE_TEMPLATES,
  QUOTE_TEMPLATES,
  REPLY_TEMPLATES,
  SURNAMES,
  type Town,
} from './campaign-vocabulary.js';
import { extractEntities } from './entities.js';
import { createRandom, seedFrom, type Random } from '../prng.js';
import { snowflakeFor, X_EPOCH_MS } from './snowflake.js';
import type { XDataset, XPlaceRecord, XPublicMetrics, XReferencedTweet, XTweetRecord, XUserRecord } from './types.js';

// Deterministic campaign datasets for tests, benchmarks and the demo: the same seed gives the same
// posts on every machine. Shape follows what a hashtag campaign looks like on X: a trickle of
// posts, a spike after each launch that decays over a day or two, retweets, replies and quotes
// threaded onto earlier posts, authors spread over Stockport, Oldham, Tameside and elsewhere.

export interface GenerateXDatasetOptions {
  seed: number | string;
  /** Number of posts (retweets, replies and quotes included). */
  count: number;
  start: Date;
  end: Date;
  /** The campaign hashtag without '#' (default RSAhealth). */
  hashtag?: string;
  launches?: readonly Date[];
  /** Share of original posts that do not carry the hashtag (default 0.06). */
  offTopicShare?: number;
  /** Number of individual authors besides the organisations (default about count / 6, at least 24). */
  authorCount?: number;
}

export interface LiveActivityOptions {
  seed: number | string;
  /** The world so far: new posts reply to, quote and retweet its posts and get later ids. */
  dataset: XDataset;
  from: Date;
  minutes: number;
  postsPerMinute?: number;
  hashtag?: string;
}

export interface MetricUpdate {
  id: string;
  public_metrics: XPublicMetrics;
}

export interface LiveActivity {
  tweets: XTweetRecord[];
  /** New totals for existing posts (likes and reposts keep arriving after a post is collected). */
  metricUpdates: MetricUpdate[];
}

const HOUR = 3_600_000;
const LAUNCH_DECAY_MEAN_MS = 10 * HOUR;
const ZERO_METRICS: XPublicMetrics = { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 };

interface AuthorProfile {
  user: XUserRecord;
  town: Town;
  locality: string;
  homePlaceId: string | undefined;
}

function placeId(name: string): string {
  const a = seedFrom(`place:${name}`).toString(16).padStart(8, '0');
  const b = seedFrom(`${name}:place`).toString(16).padStart(8, '0');
  return `${a}${b}`;
}

function placeFor(town: Town): XPlaceRecord {
  const round = (n: number): number => Math.round(n * 1e6) / 1e6;
  return {
    id: placeId(town.name),
    full_name: `${town.name}, England`,
    name: town.name,
    country: 'United Kingdom',
    country_code: 'GB',
    place_type: 'city',
    geo: { type: 'Feature', bbox: [round(town.lon - 0.03), round(town.lat - 0.02), round(town.lon + 0.03), round(town.lat + 0.02)], properties: {} },
  };
}

function allTowns(): { town: Town; locality: string }[] {
  return [
    ...LOCALITIES.flatMap((l) => l.towns.map((town) => ({ town, locality: l.name }))),
    ...ELSEWHERE.map((town) => ({ town, locality: town.name })),
  ];
}

function secondsIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function hashtagVariant(random: Random, tag: string): string {
  const roll = random.next();
  if (roll < 0.85) return tag;
  if (roll < 0.95) return tag.toLowerCase();
  return tag.toUpperCase();
}

/** Builds posts one at a time, keeping the bookkeeping that threads and metrics need. */
class CampaignWriter {
  readonly tweets: XTweetRecord[] = [];
  private readonly byId = new Map<string, XTweetRecord>();
  private readonly profiles: AuthorProfile[] = [];
  private readonly profileById = new Map<string, AuthorProfile>();
  private readonly usersByName = new Map<string, XUserRecord>();
  private readonly organisations: AuthorProfile[] = [];
  private lastMs = 0;
  private sequence = 0;
  private linkCounter = 0;

  constructor(
    private readonly random: Random,
    private readonly hashtag: string,
    users: readonly XUserRecord[],
    private readonly offTopicShare: number,
  ) {
    const towns = allTowns();
    for (const user of users) {
      const location = user.location ?? '';
      const match = towns.find((t) => location.includes(t.town.name)) ?? towns.find((t) => location.includes(t.locality));
      const chosen = match ?? { town: ELSEWHERE[0] as Town, locality: 'Manchester' };
      const profile: AuthorProfile = {
        user,
        town: chosen.town,
        locality: chosen.locality,
        homePlaceId: match && chosen.town.place ? placeId(chosen.town.name) : undefined,
      };
      this.profiles.push(profile);
      this.profileById.set(user.id, profile);
      this.usersByName.set(user.username.toLowerCase(), user);
      if (ORGANISATIONS.some((o) => o.username === user.username)) this.organisations.push(profile);
    }
  }

  remember(existing: readonly XTweetRecord[]): void {
    for (const tweet of existing) {
      this.tweets.push(tweet);
      this.byId.set(tweet.id, tweet);
    }
    const newest = existing.reduce<bigint>((max, t) => (BigInt(t.id) > max ? BigInt(t.id) : max), 0n);
    this.lastMs = Number((newest >> 22n) + X_EPOCH_MS);
    this.sequence = Number(newest & ((1n << 22n) - 1n));
  }

  private nextId(ms: number): string {
    if (ms <= this.lastMs) {
      this.sequence += 1;
    } else {
      this.lastMs = ms;
      this.sequence = this.random.int(0, 15);
    }
    return snowflakeFor(this.lastMs, this.sequence);
  }

  private pickAuthor(): AuthorProfile {
    // Organisations post more than any single person.
    if (this.organisations.length > 0 && this.random.chance(0.12)) return this.random.pick(this.organisations);
    return this.random.pick(this.profiles);
  }

  private fill(template: string, author: AuthorProfile, urls: Record<string, string>): string {
    const localityName = LOCALITIES.some((l) => l.name === author.locality) ? author.locality : this.random.pick(LOCALITIES).name;
    const town = LOCALITIES.some((l) => l.name === author.locality) ? author.town.name : this.random.pick(this.random.pick(LOCALITIES).towns).name;
    return template
      .replaceAll('{tag}', hashtagVariant(this.random, this.hashtag))
      .replaceAll('{ltag}', localityName.replace(/[^A-Za-z]/gu, ''))
      .replaceAll('{town}', town)
      .replaceAll('{locality}', localityName)
      .replaceAll('{mention}', (this.organisations.length > 0 ? this.random.pick(this.organisations) : author).user.username)
      .replaceAll('{url}', () => {
        this.linkCounter += 1;
        const short = `https://t.co/${(seedFrom(`${this.linkCounter}:${author.user.id}`) * 7919).toString(36).slice(0, 10).padEnd(10, 'x')}`;
        urls[short] = this.random.pick(LINK_TARGETS);
        return short;
      });
  }

  /** A recent earlier post to reply to, quote or retweet; retweets themselves are never targets. */
  private pickTarget(): XTweetRecord | undefined {
    const candidates = this.tweets.length;
    if (candidates === 0) return undefined;
    for (let attempt = 0; attempt < 6; attempt += 1) {
      // Skewed towards recent posts, as conversation follows the timeline.
      const back = Math.min(candidates - 1, Math.floor(this.random.exponential(40)));
      const target = this.tweets[candidates - 1 - back] as XTweetRecord;
      if (!target.referenced_tweets?.some((r) => r.type === 'retweeted')) return target;
    }
    return undefined;
  }

  write(ms: number, launchBoost: number): XTweetRecord {
    const author = this.pickAuthor();
    const target = this.pickTarget();
    const roll = this.random.next();
    const kind = !target || target.author_id === author.user.id ? 'post' : roll < 0.2 ? 'retweet' : roll < 0.34 ? 'reply' : roll < 0.42 ? 'quote' : 'post';
    const urls: Record<string, string> = {};
    let text: string;
    let lang = 'en';
    const referenced: XReferencedTweet[] = [];
    let conversationId: string | undefined;
    let inReplyTo: string | undefined;
    if (kind === 'retweet' && target) {
      const original = this.profileById.get(target.author_id)?.user.username ?? 'unknown';
      const full = `RT @${original}: ${target.text}`;
      text = [...full].length > 140 ? `${[...full].slice(0, 139).join('')}…` : full;
      lang = target.lang;
      referenced.push({ type: 'retweeted', id: target.id });
    } else if (kind === 'reply' && target) {
      const parent = this.profileById.get(target.author_id)?.user.username ?? 'unknown';
      text = `@${parent} ${this.fill(this.random.pick(REPLY_TEMPLATES), author, urls)}`;
      referenced.push({ type: 'replied_to', id: target.id });
      conversationId = target.conversation_id;
      inReplyTo = target.author_id;
    } else if (kind === 'quote' && target) {
      text = this.fill(this.random.pick(QUOTE_TEMPLATES), author, urls);
      referenced.push({ type: 'quoted', id: target.id });
    } else if (this.random.chance(this.offTopicShare)) {
      text = this.fill(this.random.pick(OFF_TOPIC_TEMPLATES), author, urls);
    } else if (this.random.chance(0.04)) {
      const other = this.random.pick(OTHER_LANGUAGE_TEMPLATES);
      text = this.fill(other.text, author, urls);
      lang = other.lang;
    } else {
      text = this.fill(this.random.pick(ORIGINAL_TEMPLATES), author, urls);
    }

    const id = this.nextId(ms);
    const tweet: XTweetRecord = {
      id,
      text,
      author_id: author.user.id,
      created_at: secondsIso(ms),
      conversation_id: conversationId ?? id,
      lang,
      edit_history_tweet_ids: [id],
      public_metrics: { ...ZERO_METRICS },
    };
    const entities = extractEntities(text, { urlExpansions: urls, resolveUsername: (name) => this.usersByName.get(name.toLowerCase())?.id });
    if (entities) tweet.entities = entities;
    if (referenced.length > 0) tweet.referenced_tweets = referenced;
    if (inReplyTo) tweet.in_reply_to_user_id = inReplyTo;
    if (kind !== 'retweet' && author.homePlaceId && this.random.chance(0.25)) tweet.geo = { place_id: author.homePlaceId };
    if (kind !== 'retweet') tweet.public_metrics = this.baseMetrics(author.user, launchBoost);

    if (target) {
      const bump = kind === 'retweet' ? 'retweet_count' : kind === 'reply' ? 'reply_count' : kind === 'quote' ? 'quote_count' : undefined;
      if (bump) {
        // Whoever reposts or answers a post has usually seen it and often liked it.
        target.public_metrics[bump] += 1;
        target.public_metrics.like_count += this.random.int(0, 3);
        target.public_metrics.impression_count += this.random.int(20, 90);
      }
    }
    this.tweets.push(tweet);
    this.byId.set(tweet.id, tweet);
    return tweet;
  }

  private baseMetrics(author: XUserRecord, launchBoost: number): XPublicMetrics {
    const reach = 2 + author.public_metrics.followers_count / 500;
    const likes = Math.floor(this.random.exponential(reach) * launchBoost);
    const retweets = Math.floor(this.random.exponential(likes / 6 + 0.2));
    return {
      retweet_count: retweets,
      reply_count: Math.floor(this.random.exponential(likes / 12 + 0.1)),
      like_count: likes,
      quote_count: this.random.chance(0.08) ? 1 : 0,
      bookmark_count: Math.floor(this.random.exponential(likes / 10 + 0.1)),
      impression_count: likes * this.random.int(18, 60) + Math.floor(author.public_metrics.followers_count * 0.05) + this.random.int(20, 300),
    };
  }

  /** Engagement that keeps arriving on recent posts. */
  growMetrics(count: number): MetricUpdate[] {
    const updates = new Map<string, XPublicMetrics>();
    const recent = this.tweets.filter((t) => !t.referenced_tweets?.some((r) => r.type === 'retweeted')).slice(-60);
    for (let i = 0; i < count && recent.length > 0; i += 1) {
      const tweet = this.random.pick(recent);
      const m = tweet.public_metrics;
      m.like_count += this.random.int(1, 4);
      if (this.random.chance(0.3)) m.retweet_count += 1;
      if (this.random.chance(0.1)) m.bookmark_count += 1;
      m.impression_count += this.random.int(15, 120);
      updates.set(tweet.id, { ...m });
    }
    return [...updates].map(([id, public_metrics]) => ({ id, public_metrics }));
  }
}

function makeUsers(random: Random, authorCount: number): XUserRecord[] {
  const users: XUserRecord[] = [];
  const taken = new Set<string>();
  const created = (): string => secondsIso(Date.UTC(2009, 0, 1) + Math.floor(random.next() * 13 * 365 * 24 * HOUR));
  let nextId = 1_400_000_000 + random.int(0, 99_999);
  const newId = (): string => {
    nextId += random.int(1, 50_000);
    return String(nextId);
  };
  for (const org of ORGANISATIONS) {
    taken.add(org.username.toLowerCase());
    users.push({
      id: newId(),
      name: org.name,
      username: org.username,
      created_at: created(),
      verified: true,
      protected: false,
      location: org.location,
      description: org.description,
      public_metrics: { followers_count: random.int(4_000, 60_000), following_count: random.int(300, 3_000), tweet_count: random.int(2_000, 40_000), listed_count: random.int(50, 900) },
    });
  }
  const towns = allTowns();
  for (let i = 0; i < authorCount; i += 1) {
    const first = random.pick(FIRST_NAMES);
    const surname = random.pick(SURNAMES);
    let username = `${first}${surname}`.slice(0, 12);
    while (taken.has(username.toLowerCase())) username = `${first}${surname.slice(0, 6)}${random.int(1, 999)}`.slice(0, 15);
    taken.add(username.toLowerCase());
    // Six in ten authors live in the three localities, the rest elsewhere or say nothing.
    const local = random.chance(0.6);
    const place = local ? random.pick(towns.slice(0, LOCALITIES.reduce((n, l) => n + l.towns.length, 0))) : random.pick(towns.slice(-ELSEWHERE.length));
    const style = random.next();
    const location = !local && style < 0.25
      ? undefined
      : local && place.town.name !== place.locality && style < 0.5
        ? `${place.town.name}, ${place.locality}`
        : style < 0.8
          ? place.town.name
          : `${place.town.name}, England`;
    const bio = random.pick(BIOS);
    const user: XUserRecord = {
      id: newId(),
      name: `${first} ${surname}`,
      username,
      created_at: created(),
      verified: random.chance(0.05),
      protected: false,
      public_metrics: {
        followers_count: Math.floor(Math.exp(random.next() * 7.5)) + 15,
        following_count: random.int(40, 2_000),
        tweet_count: random.int(50, 25_000),
        listed_count: random.int(0, 40),
      },
    };
    if (location) user.location = location;
    if (bio) user.description = bio;
    users.push(user);
  }
  return users;
}

function postTimes(random: Random, count: number, startMs: number, endMs: number, launches: readonly number[]): { ms: number; boost: number }[] {
  const inRange = launches.filter((l) => l >= startMs && l < endMs);
  const times: number[] = [];
  const baselineShare = inRange.length > 0 ? 0.35 : 1;
  for (let i = 0; i < count; i += 1) {
    if (random.chance(baselineShare)) {
      times.push(startMs + Math.floor(random.next() * (endMs - startMs)));
    } else {
      const launch = random.pick(inRange);
      const at = launch + Math.floor(random.exponential(LAUNCH_DECAY_MEAN_MS));
      times.push(at < endMs ? at : startMs + Math.floor(random.next() * (endMs - startMs)));
    }
  }
  times.sort((a, b) => a - b);
  return times.map((ms) => {
    const since = inRange.filter((l) => l <= ms).map((l) => ms - l);
    const nearest = since.length > 0 ? Math.min(...since) : Infinity;
    return { ms, boost: 1 + 3 * Math.exp(-nearest / LAUNCH_DECAY_MEAN_MS) };
  });
}

export function generateXDataset(options: GenerateXDatasetOptions): XDataset {
  const startMs = options.start.getTime();
  const endMs = options.end.getTime();
  if (!(endMs > startMs)) throw new RangeError('generateXDataset: end must be after start');
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError('generateXDataset: count must be a non-negative integer');
  const random = createRandom(options.seed);
  const users = makeUsers(random, options.authorCount ?? Math.max(24, Math.round(options.count / 6)));
  const places = allTowns().filter((t) => t.town.place).map((t) => placeFor(t.town));
  const writer = new CampaignWriter(random, options.hashtag ?? 'RSAhealth', users, options.offTopicShare ?? 0.06);
  for (const { ms, boost } of postTimes(random, options.count, startMs, endMs, (options.launches ?? []).map((d) => d.getTime()))) {
    writer.write(ms, boost);
  }
  return { tweets: writer.tweets, users, places };
}

/**
 * The next few minutes of activity after `from`: new posts (with ids above every existing one) and
 * updated engagement on recent posts. Deterministic for the same seed, dataset and `from`. Apply
 * with `fake.addTweets(activity.tweets)` and `fake.updateMetrics(id, public_metrics)`.
 */
export function generateLiveActivity(options: LiveActivityOptions): LiveActivity {
  const random = createRandom(`${String(options.seed)}:live:${options.from.toISOString()}`);
  const existing = options.dataset.tweets.map((t) => structuredClone(t));
  const writer = new CampaignWriter(random, options.hashtag ?? 'RSAhealth', options.dataset.users, 0.06);
  writer.remember(existing);
  const before = new Map(existing.map((t) => [t.id, JSON.stringify(t.public_metrics)]));
  const startMs = options.from.getTime();
  const spanMs = Math.max(0, options.minutes) * 60_000;
  const expected = options.minutes * (options.postsPerMinute ?? 1.5);
  const count = Math.max(0, Math.round(expected * (0.7 + random.next() * 0.6)));
  const times = Array.from({ length: count }, () => startMs + Math.floor(random.next() * spanMs)).sort((a, b) => a - b);
  const tweets = times.map((ms) => writer.write(ms, 1.5));
  const grown = writer.growMetrics(Math.max(1, Math.round(options.minutes * 3)));
  const updates = new Map(grown.map((u) => [u.id, u.public_metrics]));
  // Replies, quotes and retweets in this batch raised their targets' counts too.
  for (const tweet of existing) {
    if (before.get(tweet.id) !== JSON.stringify(tweet.public_metrics)) updates.set(tweet.id, { ...tweet.public_metrics });
  }
  const newIds = new Set(tweets.map((t) => t.id));
  return {
    tweets,
    metricUpdates: [...updates].filter(([id]) => !newIds.has(id)).map(([id, public_metrics]) => ({ id, public_metrics })),
  };
}
