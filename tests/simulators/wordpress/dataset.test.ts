import { describe, expect, it } from 'vitest';
import { generateWordPressDataset, PRIMER_TITLE } from '../../../src/simulators/wordpress/index.js';

const base = { posts: 60, comments: 3000, start: new Date('2026-10-01T00:00:00Z'), end: new Date('2027-01-31T00:00:00Z') };
const launches = [
  { title: PRIMER_TITLE, at: new Date('2026-11-20T10:00:00Z') },
  { title: 'Live from Oldham: the movement event stream', at: new Date('2027-01-12T18:00:00Z') },
];

describe('generateWordPressDataset', () => {
  it('gives the same site for the same seed and a different one for another seed', () => {
    const a = generateWordPressDataset({ ...base, seed: 42, launches });
    const b = generateWordPressDataset({ ...base, seed: 42, launches });
    const c = generateWordPressDataset({ ...base, seed: 43, launches });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('writes a campaign blog: a post per launch and local stories filed under Stockport, Oldham and Tameside', () => {
    const data = generateWordPressDataset({ ...base, seed: 1, launches });
    expect(data.posts).toHaveLength(60);
    const primer = data.posts.find((p) => p.title === PRIMER_TITLE);
    expect(primer?.dateGmt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(data.posts.some((p) => p.title === launches[1]?.title)).toBe(true);
    const categoryNames = new Map(data.categories.map((c) => [c.id, c.name]));
    const localities = new Set(data.posts.flatMap((p) => p.categories.map((id) => categoryNames.get(id))));
    expect([...localities]).toEqual(expect.arrayContaining(['Stockport', 'Oldham', 'Tameside', 'Launches']));
    expect(data.tags.map((t) => t.name)).toEqual(expect.arrayContaining(['Marple', 'Chadderton', 'Hyde']));
    expect(data.posts.some((p) => p.status !== 'publish')).toBe(true);
  });

  it('writes threaded comments after their posts, with held, spam and trashed ones among them', () => {
    const data = generateWordPressDataset({ ...base, seed: 2, launches });
    const posts = new Map(data.posts.map((p) => [p.id, p]));
    const comments = new Map(data.comments.map((c) => [c.id, c]));
    const statuses = new Set(data.comments.map((c) => c.status));
    expect([...statuses].sort()).toEqual(['approved', 'hold', 'spam', 'trash']);
    let replies = 0;
    for (const comment of data.comments) {
      const post = posts.get(comment.postId);
      expect(post?.status).toBe('publish');
      expect(comment.dateGmt.getTime()).toBeGreaterThan((post?.dateGmt.getTime() ?? 0) - 1);
      expect(comment.authorEmail === '' || comment.authorEmail.includes('@')).toBe(true);
      if (comment.parentId !== 0) {
        replies += 1;
        const parent = comments.get(comment.parentId);
        expect(parent?.postId).toBe(comment.postId);
        expect(parent?.dateGmt.getTime()).toBeLessThan(comment.dateGmt.getTime());
      }
    }
    expect(replies).toBeGreaterThan(data.comments.length * 0.1);
    const ids = data.comments.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });

  it('mixes links, emoji, towns and hostile markup into comment HTML', () => {
    const data = generateWordPressDataset({ ...base, seed: 3, launches });
    const html = data.comments.map((c) => c.contentHtml).join('\n');
    expect(html).toContain('<p>');
    expect(html).toMatch(/<a href="https:\/\//);
    expect(html).toMatch(/💚|🙌|👏|🌱|✊|😊|❤️/u);
    expect(html).toMatch(/<script>|onerror=|javascript:|onload=/);
    expect(html).toMatch(/Marple|Chadderton|Hyde|Bramhall|Stalybridge/);
  });

  it('puts a spike of comments in the days after each launch', () => {
    const data = generateWordPressDataset({ ...base, seed: 4, launches });
    const day = 86_400_000;
    for (const launch of launches) {
      const t = launch.at.getTime();
      const after = data.comments.filter((c) => c.dateGmt.getTime() >= t && c.dateGmt.getTime() < t + 3 * day).length;
      const before = data.comments.filter((c) => c.dateGmt.getTime() >= t - 3 * day && c.dateGmt.getTime() < t).length;
      expect(after).toBeGreaterThan(before * 4);
    }
  });

  it('scales to 100,000 comments over 2,000 posts quickly', () => {
    const started = performance.now();
    const data = generateWordPressDataset({ seed: 'bench', posts: 2000, comments: 100_000, start: new Date('2026-06-01T00:00:00Z'), end: new Date('2027-06-01T00:00:00Z') });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(data.posts).toHaveLength(2000);
    expect(data.comments).toHaveLength(100_000);
  });
});
