import { syncConfig } from '../../../src/store/campaigns.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { generateWordPressDataset, type FakeComment, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import type { TestDatabase } from '../../support/db.js';
import { campaignConfig } from '../../support/fixtures.js';

export const DATASET_END = new Date('2026-07-15T00:00:00Z');

/** A small summer blog: 30 posts, 400 comments of every status, threads, hostile markup. */
export function smallBlog(seed: number | string = 7): WordPressDataset {
  return generateWordPressDataset({
    seed,
    posts: 30,
    comments: 400,
    start: new Date('2026-06-01T00:00:00Z'),
    end: DATASET_END,
    launches: [{ title: 'Health as a Social Movement: The Power of People in Movements', at: new Date('2026-06-10T09:00:00Z') }],
  });
}

/** What an anonymous REST reader sees: approved comments of type comment on published posts. */
export function publicComments(comments: readonly FakeComment[], posts: readonly { id: number; status: string }[]): FakeComment[] {
  const published = new Set(posts.filter((p) => p.status === 'publish').map((p) => p.id));
  return comments.filter((c) => c.status === 'approved' && c.type === 'comment' && published.has(c.postId));
}

/** Syncs a config whose only site source is `slug` (a changed url resets its cursors) and returns it. */
export async function siteSource(db: TestDatabase, yaml: string, slug: string): Promise<SourceRow> {
  await syncConfig(db.pool, campaignConfig(`\n      - ${yaml}`));
  const source = await findSourceBySlug(db.pool, slug);
  if (!source) throw new Error(`source ${slug} was not synced`);
  return source;
}

export interface StoredComment {
  external_id: string;
  text: string | null;
  html: string | null;
  url: string | null;
  parent_external_id: string | null;
  conversation_id: string | null;
  context: Record<string, unknown> | null;
  raw: Record<string, unknown> | null;
  created_at: Date;
  deleted_at: Date | null;
  deleted_reason: string | null;
  author_name: string | null;
  author_url: string | null;
}

export async function storedComments(db: TestDatabase, sourceId: number): Promise<Map<string, StoredComment>> {
  const { rows } = await db.pool.query<StoredComment>(
    `SELECT p.external_id, p.text, p.html, p.url, p.parent_external_id, p.conversation_id, p.context, p.raw, p.created_at, p.deleted_at, p.deleted_reason,
            a.name AS author_name, a.url AS author_url
     FROM posts p JOIN post_sources ps ON ps.post_id = p.id LEFT JOIN authors a ON a.id = p.author_id
     WHERE ps.source_id = $1 AND p.platform = 'site' AND p.kind = 'comment'`,
    [sourceId],
  );
  return new Map(rows.map((row) => [row.external_id, row]));
}

export async function resetPosts(db: TestDatabase): Promise<void> {
  await db.pool.query('TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs, locality_attributions CASCADE');
}

export const commentId = (host: string, id: number): string => `${host}/comment/${id}`;
