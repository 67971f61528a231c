import type pg from 'pg';
import { refreshDirtyRollups } from '../../src/analytics/index.js';
import { HOUR, LAUNCH_AT, attributeMany, ingest, setUpAnalyticsCampaigns, snapshot, type AnalyticsIds, type PostSpec } from '../analytics/analytics-fixtures.js';

// A campaign for the dashboard tests: the analytics fixture campaigns (hsm: Stockport, Oldham and
// Tameside; launches primer 2026-03-27 10:00 UTC and report a week later) with a few hundred posts
// around the primer, a quiet baseline then a decaying burst, comment threads, a comment and a post
// whose text tries to inject markup, and a stretch when the X search kept failing.

export const HOSTILE_TEXT = '<img src=x onerror="window.__xss=1;alert(1)"> and <script>window.__xss2=1;alert(2)</script> Stockport';
export const HOSTILE_URL = 'javascript:window.__xss3=1';

const DAY = 24 * HOUR;
const at = (hours: number) => new Date(LAUNCH_AT.getTime() + hours * HOUR);

export interface DashboardSeed {
  ids: AnalyticsIds;
  /** Post ids of the hostile X post and the hostile comment. */
  hostilePostId: number;
  hostileCommentId: number;
  posts: number;
}

export async function seedDashboardCampaign(pool: pg.Pool): Promise<DashboardSeed> {
  const ids = await setUpAnalyticsCampaigns(pool);
  const hsm = ids.campaigns.hsm!;
  const localityIds = [ids.localities.hsm!.stockport!, ids.localities.hsm!.oldham!, ids.localities.hsm!.tameside!];

  const xPosts: PostSpec[] = [];
  const comments: PostSpec[] = [];
  let key = 1;
  for (let day = -14; day < 28; day += 1) {
    // 2–4 posts a day before the launch; a burst of ~30 the first day after it, decaying.
    const count = day < 0 ? 2 + ((day + 14) % 3) : Math.round(30 * Math.exp(-day / 3)) + 2;
    for (let n = 0; n < count; n += 1) {
      const hours = day * 24 + ((n * 7 + 3) % 24) + 0.25;
      const spec: PostSpec = { key: key++, platform: 'x', author: n % 12, createdAt: at(hours), metrics: { likes: (n * 3 + day + 20) % 9, reposts: n % 3, replies: n % 2, quotes: 0 } };
      xPosts.push(spec);
    }
    if (day >= 0 && day < 6) comments.push({ key: key++, platform: 'site', author: 20 + day, createdAt: at(day * 24 + 5) });
  }
  // A thread on the blog: a root an hour after the launch and three replies beneath it.
  const root = key++;
  comments.push({ key: root, platform: 'site', author: 30, createdAt: at(1) });
  comments.push({ key: key++, platform: 'site', author: 31, createdAt: at(2), parent: root });
  const reply = key++;
  comments.push({ key: reply, platform: 'site', author: 32, createdAt: at(3), parent: root });
  comments.push({ key: key++, platform: 'site', author: 30, createdAt: at(4), parent: reply });
  // The hostile ones: a comment (with a reply, so it heads a thread) and a popular X post.
  const hostileComment = key++;
  comments.push({ key: hostileComment, platform: 'site', author: 40, createdAt: at(6) });
  comments.push({ key: key++, platform: 'site', author: 41, createdAt: at(7), parent: hostileComment });
  const hostilePost = key++;
  xPosts.push({ key: hostilePost, platform: 'x', author: 3, createdAt: at(2.5), metrics: { likes: 400, reposts: 50, replies: 10, quotes: 2 } });

  const xIds = await ingest(pool, ids.sources['hsm-x']!, xPosts);
  const commentIds = await ingest(pool, ids.sources['hsm-blog']!, comments);
  const idOf = async (platform: 'x' | 'site', keyOf: number) =>
    (await pool.query<{ id: number }>('SELECT id FROM posts WHERE platform = $1 AND external_id = $2', [platform, platform === 'x' ? String(1_900_000_000_000_000_000n + BigInt(keyOf)) : `blog-${keyOf}`])).rows[0]!.id;
  const hostilePostId = await idOf('x', hostilePost);
  const hostileCommentId = await idOf('site', hostileComment);
  // The fixtures give every post the text "Post <key>"; these carry markup and a script link instead.
  await pool.query('UPDATE posts SET text = $2, url = $3 WHERE id = ANY($1::bigint[])', [[hostilePostId, hostileCommentId], HOSTILE_TEXT, HOSTILE_URL]);
  await pool.query(`UPDATE posts SET url = 'https://blog.example.org/primer#comment-' || external_id WHERE platform = 'site' AND id <> $1`, [hostileCommentId]);

  // Round-robin localities: every fourth post stays unattributed.
  const all = [...xIds, ...commentIds].sort((a, b) => a - b);
  await attributeMany(
    pool,
    all.flatMap((postId, index) => (index % 4 === 3 ? [] : [{ postId, campaignId: hsm, localityIds: [localityIds[index % 4]!] }])),
  );
  // The hostile post grew after it was first seen.
  await snapshot(pool, hostilePostId, at(3), { likes: 100, reposts: 10, replies: 2, quotes: 0 });
  await snapshot(pool, hostilePostId, at(30), { likes: 400, reposts: 50, replies: 10, quotes: 2 });

  // The X search failed from day 3 to day 4 (then succeeded): a coverage gap inside the window.
  const source = ids.sources['hsm-x']!;
  await pool.query(
    `INSERT INTO ingestion_runs (source_id, campaign_id, kind, status, started_at, finished_at, error_code, error)
     VALUES ($1, $2, 'incremental', 'failed', $3, $3, 'X_SERVER_ERROR', 'X answered 503'),
            ($1, $2, 'incremental', 'failed', $4, $4, 'X_SERVER_ERROR', 'X answered 503'),
            ($1, $2, 'incremental', 'succeeded', $5, $5, NULL, NULL)`,
    [source.id, source.campaignId, at(3 * 24), at(3 * 24 + 12), at(4 * 24)],
  );
  await refreshDirtyRollups(pool);
  return { ids, hostilePostId, hostileCommentId, posts: xPosts.length + comments.length };
}

export { DAY, LAUNCH_AT };
