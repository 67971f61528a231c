import { generateWordPressDataset, startFakeWordPress } from '../../src/simulators/wordpress/index.js';

// The fake WordPress site in its own process, so a benchmark's memory and CPU figures are the
// pipeline's, not the simulator's. Generates enough comments that about FAKE_WP_COMMENTS of them are
// public (the rest are held, spam, trash or pingbacks, as on a real site), prints one JSON line
// {url, public, posts} on stdout, then serves until stdin closes.

const wanted = Number(process.env.FAKE_WP_COMMENTS ?? 100_000);
const posts = Number(process.env.FAKE_WP_POSTS ?? 2_000);
// About 86% of generated comments are approved comments on published posts.
const dataset = generateWordPressDataset({
  seed: 2026,
  posts,
  comments: Math.ceil(wanted / 0.86),
  start: new Date('2026-09-01T00:00:00Z'),
  end: new Date('2026-12-31T00:00:00Z'),
  launches: [{ title: 'Health as a Social Movement: The Power of People in Movements', at: new Date('2026-11-20T10:00:00Z') }],
});
const published = new Set(dataset.posts.filter((p) => p.status === 'publish').map((p) => p.id));
const visible = dataset.comments.filter((c) => c.status === 'approved' && c.type === 'comment' && published.has(c.postId)).length;
const fake = await startFakeWordPress({ dataset });
process.stdout.write(`${JSON.stringify({ url: fake.url, public: visible, posts: dataset.posts.length })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
