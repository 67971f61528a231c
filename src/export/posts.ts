import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Queryable } from '../store/db.js';
import { exportBatch, type ExportRow } from '../store/posts-export.js';
import { csvHeader, csvRows } from './csv.js';

// `groundswell export posts`: the documented export format (ARCHITECTURE.md), one JSON object per
// line or the same columns flattened as CSV. A deleted post keeps only its ids and times. Text is
// always the plain text, never HTML: whoever opens the export gets harmless text.

export type ExportFormat = 'csv' | 'ndjson';

export interface ExportedPost {
  platform: 'x' | 'site';
  externalId: string;
  kind: string;
  url: string | null;
  createdAt: string;
  author: { handle: string | null; name: string | null } | null;
  text: string | null;
  localities: string[];
  metrics: { likes: number; reposts: number; replies: number; quotes: number } | null;
  deleted: boolean;
}

export const EXPORT_CSV_COLUMNS = [
  'platform', 'externalId', 'kind', 'url', 'createdAt', 'author.handle', 'author.name', 'text', 'localities',
  'metrics.likes', 'metrics.reposts', 'metrics.replies', 'metrics.quotes', 'deleted',
] as const;

export function toExportedPost(row: ExportRow): ExportedPost {
  const kept = { platform: row.platform, externalId: row.externalId, kind: row.kind, createdAt: row.createdAt.toISOString(), deleted: row.deleted };
  if (row.deleted) return { ...kept, url: null, author: null, text: null, localities: [], metrics: null };
  return {
    ...kept,
    url: row.url,
    author: { handle: row.authorHandle, name: row.authorName },
    text: row.text,
    localities: row.localities,
    metrics: { likes: row.likes, reposts: row.reposts, replies: row.replies, quotes: row.quotes },
  };
}

/** Writes every post of the campaign to `out`, batch by batch, honouring back-pressure; returns how many. */
export async function exportPosts(db: Queryable, campaignId: number, format: ExportFormat, out: Writable, onProgress?: (written: number) => void, batchSize = 5_000): Promise<number> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv') await write(csvHeader(EXPORT_CSV_COLUMNS));
  let written = 0;
  let afterId = 0;
  for (;;) {
    const rows = await exportBatch(db, campaignId, afterId, batchSize);
    if (rows.length === 0) break;
    const posts = rows.map(toExportedPost);
    await write(format === 'csv' ? csvRows(EXPORT_CSV_COLUMNS, posts) : posts.map((post) => `${JSON.stringify(post)}\n`).join(''));
    written += rows.length;
    afterId = rows[rows.length - 1]!.id;
    onProgress?.(written);
  }
  return written;
}
