import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { EXPORT_CSV_COLUMNS } from '../../src/export/posts.js';
import { runCli } from '../support/cli.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';
import { authorsFor, campaignConfig, xPost } from '../support/fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  const x = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
  const posts = [
    xPost(1, { text: 'Brilliant turnout in Marple for #RSAhealth' }),
    xPost(2, { text: '=HYPERLINK("http://evil.example") <img src=x onerror=alert(1)> <script>alert(2)</script>' }),
    xPost(3, { text: 'this one will be deleted' }),
  ];
  await storeBatch(db.pool, { sourceId: x.id, campaignId: x.campaignId, posts, authors: authorsFor(posts) });
  await storeBatch(db.pool, { sourceId: x.id, campaignId: x.campaignId, posts: [], authors: [], removed: [{ platform: 'x', externalId: posts[2]!.externalId, reason: 'deleted' }] });
});
afterAll(async () => db.close());

const env = () => ({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });

describe('groundswell export posts', () => {
  it('writes one JSON object per line in the documented format; a deleted post keeps only its ids and times', async () => {
    const result = await runCli(['export', 'posts', '--campaign', 'hsm', '--format', 'ndjson'], env());
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      platform: 'x',
      externalId: xPost(1).externalId,
      kind: 'post',
      url: null,
      createdAt: xPost(1).createdAt.toISOString(),
      author: { handle: 'user1', name: 'User 1' },
      text: 'Brilliant turnout in Marple for #RSAhealth',
      localities: ['stockport'],
      metrics: { likes: 1, reposts: 0, replies: 0, quotes: 0 },
      deleted: false,
    });
    // Markup is exported as the text it is, never as HTML.
    expect(lines[1]!.text).toBe('=HYPERLINK("http://evil.example") <img src=x onerror=alert(1)> <script>alert(2)</script>');
    expect(lines[2]).toEqual({ platform: 'x', externalId: xPost(3).externalId, kind: 'post', url: null, createdAt: xPost(3).createdAt.toISOString(), author: null, text: null, localities: [], metrics: null, deleted: true });
    expect(result.stderr).toMatch(/export hsm .*3\/3 posts/);
  });

  it('writes the same columns flattened as CSV, with spreadsheet formulas defused', async () => {
    const result = await runCli(['export', 'posts', '--campaign', 'hsm', '--format', 'csv'], env());
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe(EXPORT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5); // header, three rows, and the final line end
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.example"") <img src=x onerror=alert(1)> <script>alert(2)</script>"`);
    expect(lines[3]).toMatch(/,true$/);
  });

  it('refuses an unknown campaign and a missing or unknown format', async () => {
    const unknown = await runCli(['export', 'posts', '--campaign', 'nope', '--format', 'csv'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no campaign "nope"');
    const format = await runCli(['export', 'posts', '--campaign', 'hsm', '--format', 'xml'], env());
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid");
  });
});
