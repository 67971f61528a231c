import { createRandom, type Random } from '../prng.js';
import type { CommentStatus, FakeComment, FakePost, FakeTerm, WordPressDataset } from './types.js';
import type { NewComment } from './store.js';
import { BODIES, EMOJI, FIRST_NAMES, HOSTILE_FRAGMENTS, LAST_NAMES, LOCALITIES, OPENERS, PRIMER_TITLE, STORY_TITLES, TOPICS } from './vocabulary.js';

export interface DatasetLaunch {
  title: string;
  at: Date;
}

export interface GenerateWordPressDatasetOptions {
  seed: number | string;
  /** Number of posts, launch posts included. */
  posts: number;
  /** Number of comments of every status (held, spam and trashed ones included). */
  comments: number;
  start: Date;
  end: Date;
  /** Each launch gets a post at its time and a spike of comments after it. Default: the primer, a fifth of the way in. */
  launches?: DatasetLaunch[];
  siteName?: string;
  timezone?: string;
}

export const TEAM_USER = { id: 1, name: 'HSM Campaign Team' } as const;
const STAFF_AUTHORS = [1, 2, 3];
const HOUR = 3_600_000;

// Shares of statuses and kinds, chosen so every small dataset still has a few of each.
const STATUS_WEIGHTS: [CommentStatus, number][] = [
  ['approved', 0.88],
  ['hold', 0.05],
  ['spam', 0.05],
  ['trash', 0.02],
];
const REPLY_SHARE = 0.3;
const PINGBACK_SHARE = 0.02;
const SPIKE_SHARE = 0.45;
const SPIKE_MEAN_HOURS = 20;

/**
 * A campaign blog for "Health as a Social Movement", the same for the same options: local stories
 * tagged with Stockport, Oldham and Tameside towns, a post per launch, and comments with threads,
 * guests and staff, links, emoji, hostile markup, held and spam comments, and a spike after each
 * launch. Comment ids rise with their dates, as on a real site.
 */
export function generateWordPressDataset(options: GenerateWordPressDatasetOptions): WordPressDataset {
  const { start, end } = options;
  if (!(end.getTime() > start.getTime())) throw new Error('generateWordPressDataset: end must be after start');
  if (options.posts < 1) throw new Error('generateWordPressDataset: at least one post is needed');
  const random = createRandom(options.seed);
  const span = end.getTime() - start.getTime();
  const launches = (options.launches ?? [{ title: PRIMER_TITLE, at: new Date(start.getTime() + span / 5) }])
    .filter((launch) => launch.at >= start && launch.at <= end)
    .sort((a, b) => a.at.getTime() - b.at.getTime());

  const { categories, tags, categoryId, tagId } = buildTerms();
  const posts = buildPosts(random, options.posts, start, end, launches, categoryId, tagId);
  const comments = buildComments(random, options.comments, posts, launches, end);

  return {
    site: { name: options.siteName ?? 'Health as a Social Movement', description: 'People, places and the power of movements', timezone: options.timezone ?? 'Europe/London' },
    posts,
    comments,
    categories,
    tags,
  };
}

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function buildTerms(): { categories: FakeTerm[]; tags: FakeTerm[]; categoryId: Map<string, number>; tagId: Map<string, number> } {
  const categoryNames = ['Uncategorized', 'News', 'Launches', 'Stories', ...LOCALITIES.map((l) => l.name)];
  const categories = categoryNames.map((name, i) => ({ id: i + 1, name, slug: slugify(name), description: '', parent: 0 }));
  const tagNames = ['Health as a Social Movement', 'People Power', 'RSAhealth', ...LOCALITIES.flatMap((l) => l.towns)];
  const tags = tagNames.map((name, i) => ({ id: 20 + i, name, slug: slugify(name), description: '', parent: 0 }));
  return {
    categories,
    tags,
    categoryId: new Map(categories.map((c) => [c.name, c.id])),
    tagId: new Map(tags.map((t) => [t.name, t.id])),
  };
}

function paragraphs(...texts: string[]): string {
  return texts.map((text) => `<p>${text}</p>\n`).join('');
}

function buildPosts(
  random: Random,
  count: number,
  start: Date,
  end: Date,
  launches: DatasetLaunch[],
  categoryId: Map<string, number>,
  tagId: Map<string, number>,
): FakePost[] {
  const span = end.getTime() - start.getTime();
  const drafts: Omit<FakePost, 'id'>[] = [];
  const usedSlugs = new Map<string, number>();
  const uniqueSlug = (title: string): string => {
    const base = slugify(title);
    const seen = usedSlugs.get(base) ?? 0;
    usedSlugs.set(base, seen + 1);
    return seen === 0 ? base : `${base}-${seen + 1}`;
  };
  const id = (map: Map<string, number>, name: string): number => map.get(name) ?? 1;

  for (const launch of launches.slice(0, count)) {
    drafts.push({
      slug: uniqueSlug(launch.title),
      title: launch.title,
      contentHtml: paragraphs(
        `Today we publish <em>${escapeText(launch.title)}</em>.`,
        'It gathers what people in Stockport, Oldham and Tameside taught us about health as something communities make together.',
        'Read it, share it, and tell us below what it means where you live.',
      ),
      excerptHtml: paragraphs(`Today we publish ${escapeText(launch.title)}.`),
      dateGmt: new Date(Math.floor(launch.at.getTime() / 1000) * 1000),
      modifiedGmt: new Date(Math.floor(launch.at.getTime() / 1000) * 1000 + HOUR),
      status: 'publish',
      author: TEAM_USER.id,
      categories: [id(categoryId, 'News'), id(categoryId, 'Launches')],
      tags: [id(tagId, 'Health as a Social Movement'), id(tagId, 'RSAhealth'), id(tagId, 'People Power')],
      commentStatus: 'open',
    });
  }

  while (drafts.length < count) {
    const locality = random.pick(LOCALITIES);
    const town = random.pick(locality.towns);
    const topic = random.pick(TOPICS);
    const title = fill(random.pick(STORY_TITLES), { town, topic, locality: locality.name });
    const at = Math.floor((start.getTime() + random.next() * span * 0.97) / 1000) * 1000;
    const roll = random.next();
    drafts.push({
      slug: uniqueSlug(title),
      title: title.charAt(0).toUpperCase() + title.slice(1),
      contentHtml: paragraphs(
        `In ${town}, a ${topic} has become part of how ${locality.name} looks after itself.`,
        `We spoke to the people who run it about what changed, and what the rest of ${locality.name} can learn.`,
      ),
      excerptHtml: paragraphs(`In ${town}, a ${topic} has become part of how ${locality.name} looks after itself.`),
      dateGmt: new Date(at),
      modifiedGmt: new Date(at + random.int(0, 72) * HOUR),
      // A few posts that are not public, so a client that lists posts must not see them.
      status: roll < 0.015 ? 'draft' : roll < 0.025 ? 'private' : 'publish',
      author: random.pick(STAFF_AUTHORS),
      categories: [id(categoryId, 'Stories'), id(categoryId, locality.name)],
      tags: [id(tagId, town), ...(random.chance(0.4) ? [id(tagId, 'People Power')] : [])],
      commentStatus: random.chance(0.95) ? 'open' : 'closed',
    });
  }

  drafts.sort((a, b) => a.dateGmt.getTime() - b.dateGmt.getTime());
  // Post ids have gaps on a real site (revisions and attachments share the sequence).
  let nextId = 4;
  return drafts.map((draft) => {
    nextId += random.int(1, 3);
    return { ...draft, id: nextId };
  });
}

interface CommentSlot {
  at: number;
  launch: number;
}

export interface LiveCommentsOptions {
  seed: number | string;
  /** The site as it is now: new comments land on its open posts and answer its approved comments. */
  posts: readonly FakePost[];
  comments: readonly FakeComment[];
  from: Date;
  minutes: number;
  commentsPerMinute?: number;
}

/**
 * The next few minutes of conversation on the blog after `from`, for the demo: new comments on recent
 * posts (mostly the latest launch's), a third of them replies. Apply with `fake.addComment(...)`.
 * Deterministic for the same seed, site and `from`.
 */
export function generateLiveComments(options: LiveCommentsOptions): NewComment[] {
  const random = createRandom(`${String(options.seed)}:live-comments:${options.from.toISOString()}`);
  const open = options.posts.filter((p) => p.status === 'publish' && p.commentStatus === 'open' && p.dateGmt <= options.from);
  if (open.length === 0) return [];
  const openTimes = open.map((p) => p.dateGmt.getTime());
  const newest = open.reduce((a, b) => (b.dateGmt > a.dateGmt ? b : a));
  const expected = options.minutes * (options.commentsPerMinute ?? 0.5);
  const count = Math.floor(expected) + (random.chance(expected - Math.floor(expected)) ? 1 : 0);
  const created: NewComment[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = Math.floor((options.from.getTime() + random.next() * options.minutes * 60_000) / 1000) * 1000;
    const slot: CommentSlot = { at, launch: -1 };
    const post = random.chance(0.5) ? newest : choosePost(random, open, openTimes, slot, []);
    const answerable = options.comments.filter((c) => c.postId === post.id && c.status === 'approved' && c.type === 'comment').slice(-10);
    const parent = answerable.length > 0 && random.chance(REPLY_SHARE) ? random.pick(answerable) : undefined;
    const comment = conversation(random, post, slot, parent);
    created.push({
      postId: comment.postId,
      ...(comment.parentId ? { parentId: comment.parentId } : {}),
      authorName: comment.authorName,
      authorEmail: comment.authorEmail,
      ...(comment.authorUrl ? { authorUrl: comment.authorUrl } : {}),
      contentHtml: comment.contentHtml,
      dateGmt: comment.dateGmt,
    });
  }
  return created.sort((a, b) => (a.dateGmt?.getTime() ?? 0) - (b.dateGmt?.getTime() ?? 0));
}

function buildComments(random: Random, count: number, posts: FakePost[], launches: DatasetLaunch[], end: Date): FakeComment[] {
  const open = posts.filter((p) => p.status === 'publish' && p.commentStatus === 'open');
  if (open.length === 0 || count <= 0) return [];
  const openTimes = open.map((p) => p.dateGmt.getTime());
  const first = openTimes[0] ?? 0;
  const last = end.getTime();
  const launchPostIndex = launches.map((launch) => open.findIndex((p) => p.title === launch.title && p.dateGmt.getTime() === Math.floor(launch.at.getTime() / 1000) * 1000));

  const slots: CommentSlot[] = [];
  for (let i = 0; i < count; i += 1) {
    if (launches.length > 0 && random.chance(SPIKE_SHARE)) {
      const launch = random.int(0, launches.length - 1);
      const at = (launches[launch]?.at.getTime() ?? first) + 60_000 + random.exponential(SPIKE_MEAN_HOURS * HOUR);
      slots.push({ at: Math.floor(Math.min(at, last) / 1000) * 1000, launch });
    } else {
      slots.push({ at: Math.floor((first + 60_000 + random.next() * Math.max(0, last - first - 60_000)) / 1000) * 1000, launch: -1 });
    }
  }
  slots.sort((a, b) => a.at - b.at);

  const approvedByPost = new Map<number, FakeComment[]>();
  const comments: FakeComment[] = [];
  let nextId = 1;
  for (const slot of slots) {
    const post = choosePost(random, open, openTimes, slot, launchPostIndex);
    const status = weighted(random, STATUS_WEIGHTS);
    const earlier = approvedByPost.get(post.id) ?? [];
    const parent = status !== 'spam' && earlier.length > 0 && random.chance(REPLY_SHARE) ? random.pick(earlier.slice(-10)) : undefined;
    const comment = status === 'spam' ? spamComment(random, post, slot) : random.chance(PINGBACK_SHARE) && !parent ? pingback(random, post, slot) : conversation(random, post, slot, parent);
    comment.id = nextId;
    comment.status = status;
    nextId += random.chance(0.1) ? 2 : 1;
    comments.push(comment);
    if (status === 'approved' && comment.type === 'comment') {
      earlier.push(comment);
      approvedByPost.set(post.id, earlier);
    }
  }
  return comments;
}

function choosePost(random: Random, open: FakePost[], openTimes: number[], slot: CommentSlot, launchPostIndex: number[]): FakePost {
  const launchPost = slot.launch >= 0 ? launchPostIndex[slot.launch] : undefined;
  if (launchPost !== undefined && launchPost >= 0 && random.chance(0.6)) return open[launchPost] as FakePost;
  // Count of posts published before the comment, by binary search.
  let lo = 0;
  let hi = openTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((openTimes[mid] ?? 0) <= slot.at) lo = mid + 1;
    else hi = mid;
  }
  const available = Math.max(1, lo);
  // People mostly comment on recent posts: skew towards the newest.
  const back = Math.floor(available * random.next() ** 3);
  return open[available - 1 - back] as FakePost;
}

function weighted<T>(random: Random, weights: [T, number][]): T {
  let roll = random.next();
  for (const [value, weight] of weights) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (weights[weights.length - 1] as [T, number])[0];
}

function person(random: Random): { name: string; email: string; url: string } {
  const first = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const handle = `${slugify(first)}.${slugify(lastName)}`.replace(/-/g, '');
  const name = random.chance(0.15) ? first : random.chance(0.1) ? `${first} ${lastName.charAt(0)}.` : `${first} ${lastName}`;
  return {
    name,
    email: `${handle}${random.int(1, 99)}@example.com`,
    url: random.chance(0.3) ? `https://${handle.replace('.', '')}.example.org/` : '',
  };
}

function baseComment(post: FakePost, slot: CommentSlot): FakeComment {
  return {
    id: 0,
    postId: post.id,
    parentId: 0,
    userId: 0,
    authorName: '',
    authorEmail: '',
    authorUrl: '',
    dateGmt: new Date(Math.max(slot.at, post.dateGmt.getTime() + 60_000)),
    contentHtml: '',
    status: 'approved',
    type: 'comment',
  };
}

function conversation(random: Random, post: FakePost, slot: CommentSlot, parent: FakeComment | undefined): FakeComment {
  const comment = baseComment(post, slot);
  const locality = random.pick(LOCALITIES);
  const words = { town: random.pick(locality.towns), locality: locality.name, topic: random.pick(TOPICS) };
  if (parent) {
    comment.parentId = parent.id;
    comment.dateGmt = new Date(Math.max(comment.dateGmt.getTime(), parent.dateGmt.getTime() + 60_000));
  }
  if (parent && random.chance(0.25)) {
    comment.userId = TEAM_USER.id;
    comment.authorName = TEAM_USER.name;
    comment.authorEmail = 'team@hsm.example.org';
    comment.authorUrl = 'https://hsm.example.org/';
  } else {
    const who = person(random);
    comment.authorName = who.name;
    comment.authorEmail = who.email;
    comment.authorUrl = who.url;
  }

  let text = `${fill(random.pick(OPENERS), words)} ${fill(random.pick(BODIES), words)}`;
  if (parent) text = `@${parent.authorName} ${text}`;
  if (random.chance(0.15)) text += ` ${random.pick(EMOJI)}`;
  if (random.chance(0.05)) text += ' #HSM #PeoplePower';
  const parts = [escapeText(text).replace(/’/g, '&#8217;')];
  if (random.chance(0.1)) parts.push(`More here: <a href="https://${slugify(words.town)}.example.org/${slugify(words.topic)}" rel="nofollow ugc">${escapeText(words.town)} ${escapeText(words.topic)}</a>`);
  if (random.chance(0.2)) parts.push(fill(random.pick(BODIES), words).replace(/^./, (c) => c.toUpperCase()));
  if (random.chance(0.015)) parts.push(random.pick(HOSTILE_FRAGMENTS));
  comment.contentHtml = paragraphs(...parts);
  return comment;
}

function pingback(random: Random, post: FakePost, slot: CommentSlot): FakeComment {
  const comment = baseComment(post, slot);
  const locality = random.pick(LOCALITIES);
  comment.type = 'pingback';
  comment.authorName = `${locality.name} Community Voice`;
  comment.authorUrl = `https://${slugify(locality.name)}-voice.example.org/${slugify(post.title).slice(0, 40)}/`;
  comment.contentHtml = paragraphs(`[&#8230;] ${escapeText(post.title)} [&#8230;]`);
  return comment;
}

function spamComment(random: Random, post: FakePost, slot: CommentSlot): FakeComment {
  const comment = baseComment(post, slot);
  comment.authorName = random.pick(['Cheap Meds Online', 'best casino bonus', 'SEO Expert']);
  comment.authorEmail = `offer${random.int(100, 999)}@spam.example`;
  comment.authorUrl = 'https://spam.example/offer';
  comment.contentHtml = paragraphs('Great post!!! Visit <a href="https://spam.example/offer">my site</a> for amazing deals');
  return comment;
}

function fill(template: string, words: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => words[key] ?? '');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
