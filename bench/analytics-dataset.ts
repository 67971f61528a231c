import { createRandom, type Random } from '../src/simulators/prng.js';

// Synthetic campaign conversation for the analytics benchmark, as COPY text: a steady background
// over two years plus bursts after each launch, heavy-tailed engagement and prolific authors, some
// posts in two localities or reaching two campaigns, some only as context (reference), a few
// deleted, and engagement snapshots for a quarter of them. Seeded: every run makes the same rows.

export interface BenchCampaign {
  id: number;
  weight: number;
  localityIds: number[];
  xSourceId: number;
  siteSourceId: number;
  launches: Date[];
}

export interface DatasetShape {
  seed: number;
  start: Date;
  end: Date;
  xAuthors: number;
  siteAuthors: number;
  campaigns: BenchCampaign[];
}

export interface PostBlock {
  posts: string;
  postSources: string;
  attributions: string;
  snapshots: string;
  count: number;
}

export const COPY_POSTS = `COPY posts (id, platform, external_id, kind, author_id, created_at, text, parent_external_id,
  like_count, repost_count, reply_count, quote_count, deleted_at, deleted_reason) FROM STDIN`;
export const COPY_POST_SOURCES = 'COPY post_sources (post_id, source_id, campaign_id, post_created_at, relation) FROM STDIN';
export const COPY_ATTRIBUTIONS = 'COPY locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence) FROM STDIN';
export const COPY_SNAPSHOTS = 'COPY engagement_snapshots (post_id, captured_at, like_count, repost_count, reply_count, quote_count) FROM STDIN';
export const COPY_AUTHORS = 'COPY authors (id, platform, external_id, handle, name, followers_count) FROM STDIN';

const HOUR_MS = 3_600_000;
const X_KINDS = ['post', 'post', 'post', 'post', 'post', 'post', 'reply', 'reply', 'quote', 'repost', 'repost'] as const;

/** Author n of a platform: x authors are ids 1…xAuthors, site authors follow. */
export const xAuthorExternalId = (n: number) => `x${n}`;
export const siteAuthorExternalId = (n: number) => `s${n}`;
export const followersOf = (n: number) => Math.floor(10 ** (1 + ((n * 2_654_435_761) % 1000) / 300));

export function* authorBlocks(shape: DatasetShape): Generator<string> {
  let lines: string[] = [];
  for (let n = 1; n <= shape.xAuthors + shape.siteAuthors; n += 1) {
    const isX = n <= shape.xAuthors;
    const external = isX ? xAuthorExternalId(n) : siteAuthorExternalId(n);
    lines.push(`${n}\t${isX ? 'x' : 'site'}\t${external}\t${external}\tAuthor ${n}\t${followersOf(n)}`);
    if (lines.length === 10_000) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

function pickWeighted<T extends { weight: number }>(random: Random, items: readonly T[]): T {
  let u = random.next() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    u -= item.weight;
    if (u < 0) return item;
  }
  return items[items.length - 1]!;
}

/** A time in [start, end): mostly the steady background, a quarter in launch bursts (a little before, mostly after, decaying). */
export function postTime(random: Random, campaign: BenchCampaign, start: number, end: number): number {
  let time: number;
  if (random.chance(0.25) && campaign.launches.length > 0) {
    const launch = random.pick(campaign.launches).getTime();
    time = random.chance(0.15) ? launch - random.exponential(24 * HOUR_MS) : launch + random.exponential(36 * HOUR_MS);
  } else {
    time = start + random.next() * (end - start);
  }
  return Math.min(end - 1000, Math.max(start, Math.floor(time)));
}

/** Heavy-tailed likes: mostly a handful, now and then thousands. */
export function engagementOf(random: Random): [likes: number, reposts: number, replies: number, quotes: number] {
  const likes = Math.floor(Math.exp(random.next() * 4.5)) - 1 + (random.chance(0.002) ? random.int(500, 5000) : 0);
  return [likes, Math.floor(likes / 4), Math.floor((likes * random.next()) / 5), Math.floor(likes / 12)];
}

export interface PostGenerator {
  /** Posts id … id + count − 1, as COPY text for four tables. */
  block(firstId: number, count: number): PostBlock;
}

export function postGenerator(shape: DatasetShape): PostGenerator {
  const random = createRandom(shape.seed);
  const start = shape.start.getTime();
  const end = shape.end.getTime();
  const recentComments = new Map<number, number[]>();
  return {
    block(firstId, count) {
      const posts: string[] = [];
      const sources: string[] = [];
      const attributions: string[] = [];
      const snapshots: string[] = [];
      for (let id = firstId; id < firstId + count; id += 1) {
        const campaign = pickWeighted(random, shape.campaigns);
        const created = new Date(postTime(random, campaign, start, end));
        const createdIso = created.toISOString();
        const isX = random.chance(0.85);
        // Prolific authors: a skewed pick from the pool.
        const author = isX ? 1 + Math.floor(shape.xAuthors * random.next() ** 2.5) : shape.xAuthors + 1 + Math.floor(shape.siteAuthors * random.next() ** 2);
        const [likes, reposts, replies, quotes] = engagementOf(random);
        const deleted = random.chance(0.005);
        let parent = '\\N';
        if (!isX) {
          const recent = recentComments.get(campaign.id) ?? [];
          if (recent.length > 0 && random.chance(0.3)) parent = `site-${random.pick(recent)}`;
          recent.push(id);
          if (recent.length > 50) recent.shift();
          recentComments.set(campaign.id, recent);
        }
        posts.push(
          [
            id,
            isX ? 'x' : 'site',
            isX ? String(1_800_000_000_000_000_000n + BigInt(id)) : `site-${id}`,
            isX ? random.pick(X_KINDS) : 'comment',
            deleted ? '\\N' : author,
            createdIso,
            deleted ? '\\N' : `Synthetic post ${id} about the campaign launch, with a hashtag #RSAhealth and a few more words`,
            parent,
            likes,
            reposts,
            replies,
            quotes,
            deleted ? new Date(created.getTime() + 24 * HOUR_MS).toISOString() : '\\N',
            deleted ? 'deleted' : '\\N',
          ].join('\t'),
        );
        sources.push(`${id}\t${isX ? campaign.xSourceId : campaign.siteSourceId}\t${campaign.id}\t${createdIso}\t${random.chance(0.02) ? 'reference' : 'match'}`);
        if (isX && random.chance(0.03)) {
          const other = random.pick(shape.campaigns.filter((c) => c.id !== campaign.id));
          sources.push(`${id}\t${other.xSourceId}\t${other.id}\t${createdIso}\tmatch`);
        }
        if (!deleted) {
          const u = random.next();
          const localities = u < 0.55 ? [random.pick(campaign.localityIds)] : u < 0.62 ? [...new Set([random.pick(campaign.localityIds), random.pick(campaign.localityIds)])] : [];
          for (const locality of localities) attributions.push(`${id}\t${locality}\t${campaign.id}\t${createdIso}\thashtag\t#place\t0.95`);
        }
        if (random.chance(0.25)) {
          const first = new Date(created.getTime() + random.exponential(HOUR_MS));
          snapshots.push(`${id}\t${first.toISOString()}\t${Math.floor(likes / 2)}\t${Math.floor(reposts / 2)}\t${Math.floor(replies / 2)}\t${Math.floor(quotes / 2)}`);
          snapshots.push(`${id}\t${new Date(first.getTime() + 24 * HOUR_MS).toISOString()}\t${likes}\t${reposts}\t${replies}\t${quotes}`);
        }
      }
      const text = (lines: string[]) => (lines.length > 0 ? `${lines.join('\n')}\n` : '');
      return { posts: text(posts), postSources: text(sources), attributions: text(attributions), snapshots: text(snapshots), count };
    },
  };
}
