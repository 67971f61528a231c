import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBatchCompliance, type BatchComplianceOptions } from '../../src/ingestion/batch-compliance.js';
import { PermanentError } from '../../src/ingestion/errors.js';
import { runPass } from '../../src/ingestion/run-pass.js';
import { createXClient } from '../../src/sources/x/client.js';
import { createXBatchCompliance, readComplianceResults, type XBatchCompliance } from '../../src/sources/x/compliance.js';
import { XSearchCollector } from '../../src/sources/x/search-collector.js';
import { generateXDataset, startFakeXApi, type FakeXApi } from '../../src/simulators/x-api/index.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { recentRuns } from '../../src/store/runs.js';
import { findSourceBySlug, type SourceRow } from '../../src/store/sources.js';
import { endRunLeaseSession, migratedDatabase, type TestDatabase } from '../support/db.js';
import { campaignConfig } from '../support/fixtures.js';

const TOKEN = 'compliance-test-token-0123456789';
const clock = new Date('2026-11-24T12:00:00Z');
let db: TestDatabase;
let fake: FakeXApi;
let source: SourceRow;

beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
});
afterAll(async () => db.close());

beforeEach(async () => {
  await db.pool.query(`TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs, x_compliance_jobs CASCADE`);
  await db.pool.query(`UPDATE sources SET cursor = '{}'`);
  const dataset = generateXDataset({ seed: 9, count: 120, start: new Date('2026-11-22T00:00:00Z'), end: new Date('2026-11-24T11:00:00Z') });
  fake = await startFakeXApi({ bearerToken: TOKEN, dataset, now: () => clock });
  const pass = await runPass(db.pool, source, new XSearchCollector({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }), query: '#RSAhealth' }), { kind: 'incremental', trigger: 'cli' });
  expect(pass.status).toBe('succeeded');
  fake.clearRequests();
});
afterEach(async () => fake.close());

const compliance = (options: BatchComplianceOptions = {}) =>
  runBatchCompliance({ pool: db.pool, compliance: createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) }), now: () => clock }, { pollIntervalMs: 20, ...options });

async function livePosts() {
  const { rows } = await db.pool.query<{ external_id: string; author: string }>(
    `SELECT p.external_id, a.external_id AS author FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.deleted_at IS NULL ORDER BY p.id`,
  );
  return rows;
}
const tombstones = async () =>
  (await db.pool.query<{ external_id: string; deleted_reason: string; text: string | null }>(`SELECT external_id, deleted_reason, text FROM posts WHERE deleted_at IS NOT NULL ORDER BY external_id`)).rows;

describe('batch compliance', () => {
  it("uploads the campaign's post ids, and purges what X reports deleted or protected", async () => {
    const posts = await livePosts();
    const protectedAuthor = posts[0]!.author;
    const deleted = posts.filter((p) => p.author !== protectedAuthor).slice(0, 2);
    for (const p of deleted) fake.deleteTweet(p.external_id);
    fake.protectUser(protectedAuthor);
    const hidden = posts.filter((p) => p.author === protectedAuthor);

    const summary = await compliance();
    const [result] = summary.campaigns;
    expect(result).toMatchObject({ outcome: 'purged', checked: posts.length, purged: 2 + hidden.length, byReason: { deleted: 2, protected: hidden.length } });
    const purged = await tombstones();
    expect(purged.map((t) => [t.external_id, t.deleted_reason]).sort()).toEqual(
      [...deleted.map((p) => [p.external_id, 'deleted']), ...hidden.map((p) => [p.external_id, 'not-authorized'])].sort(),
    );
    expect(purged.every((t) => t.text === null)).toBe(true);
    const upload = fake.requests().find((r) => r.method === 'PUT');
    expect(upload?.path).toMatch(/^\/compliance-storage\/upload\//u);
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ kind: 'compliance', status: 'succeeded', counts: { removedCount: 2 + hidden.length } });
  });

  it('leaves a job X has not finished to a later run, which purges it without uploading again', async () => {
    const posts = await livePosts();
    fake.deleteTweet(posts[3]!.external_id);
    fake.setComplianceDelay(300);
    const first = await compliance({ waitMs: 0 });
    expect(first.campaigns[0]).toMatchObject({ outcome: 'pending', checked: posts.length });
    await new Promise((resolve) => setTimeout(resolve, 350));
    fake.clearRequests();
    const second = await compliance();
    expect(second.campaigns[0]).toMatchObject({ outcome: 'purged', purged: 1, jobId: first.campaigns[0]!.jobId });
    expect(fake.requests().filter((r) => r.method === 'POST' || r.method === 'PUT')).toEqual([]);
  });

  it('records once that the token may not use batch compliance (403), then skips it without asking X again', async () => {
    fake.injectFault({ endpoint: 'compliance/jobs', status: 403 });
    const first = await compliance();
    expect(first.campaigns[0]).toMatchObject({ outcome: 'not-allowed' });
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ kind: 'compliance', status: 'failed', errorCode: 'X_FORBIDDEN' });
    expect((await findSourceBySlug(db.pool, source.slug))!.status).toBe('ok');

    fake.clearRequests();
    const again = await compliance();
    expect(again.campaigns[0]).toMatchObject({ outcome: 'not-allowed' });
    expect(fake.requests()).toEqual([]);
    expect((await recentRuns(db.pool, source.id)).filter((r) => r.kind === 'compliance')).toHaveLength(1);
    expect(await tombstones()).toEqual([]);
  });

  it('purges nothing when the result file is malformed', () => {
    expect(() => readComplianceResults('{"id":"1800000000000000001","action":"delete","reason":"deleted"}\n{"id":"x"}\n')).toThrow(PermanentError);
    expect(() => readComplianceResults('not json\n')).toThrow(PermanentError);
    expect(readComplianceResults('{"id":"1800000000000000001","action":"delete","reason":"deleted"}\n\n')).toHaveLength(1);
  });
});

describe('the run ledger while compliance checks overlap', () => {
  const complianceRuns = async () => (await recentRuns(db.pool, source.id)).filter((run) => run.kind === 'compliance');

  it('a check that starts while another is live leaves the live run running, and both finish succeeded', async () => {
    const real = createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) });
    let reached = () => {};
    const creating = new Promise<void>((resolve) => (reached = resolve));
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: XBatchCompliance = {
      ...real,
      async createJob(name) {
        reached();
        await released;
        return real.createJob(name);
      },
    };
    const first = runBatchCompliance({ pool: db.pool, compliance: held, now: () => clock }, { pollIntervalMs: 20, waitMs: 2_000, trigger: 'cli' });
    await creating;
    const [live] = await complianceRuns();
    expect(live).toMatchObject({ status: 'running' });

    const second = await compliance();
    expect(second.campaigns[0]).toMatchObject({ outcome: 'busy' });
    expect((await complianceRuns()).find((run) => run.id === live!.id)).toMatchObject({ status: 'running', finishedAt: null });

    release();
    expect((await first).campaigns[0]).toMatchObject({ outcome: 'purged' });
    expect((await complianceRuns()).map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('closes a run left running by a worker that is gone as interrupted when the next check starts', async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO ingestion_runs (source_id, campaign_id, kind, trigger) VALUES ($1, $2, 'compliance', 'schedule') RETURNING id`,
      [source.id, source.campaignId],
    );
    await compliance();
    const runs = await complianceRuns();
    expect(runs.find((run) => run.id === rows[0]!.id)).toMatchObject({ status: 'interrupted', error: 'the worker stopped before the run finished' });
    expect(runs.filter((run) => run.id !== rows[0]!.id).map((run) => run.status)).toEqual(['succeeded']);
  });
});

describe('a compliance check whose run lease is lost', () => {
  const complianceRuns = async () => (await recentRuns(db.pool, source.id)).filter((run) => run.kind === 'compliance');

  it('stops waiting for X at its next step as interrupted, and leaves the job to the next check', async () => {
    // X takes longer than the check waits: without a stop, it would poll until its deadline.
    fake.setComplianceDelay(60_000);
    const real = createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) });
    const LEASE_LOST_AT_POLL = 2;
    let polls = 0;
    let ended: Promise<boolean[]> | undefined;
    const watched: XBatchCompliance = {
      ...real,
      async getJob(jobId) {
        polls += 1;
        if (polls === LEASE_LOST_AT_POLL) {
          // The lease's own session, ended as an administrator or a failing network would. The check
          // learns of it when the connection's end reaches this process, so it is checked after the run.
          const [live] = await complianceRuns();
          ended = endRunLeaseSession(db.pool, live!.id);
          await ended;
        }
        return real.getJob(jobId);
      },
    };
    const error: unknown = await runBatchCompliance({ pool: db.pool, compliance: watched, now: () => clock }, { pollIntervalMs: 20, waitMs: 3_000, trigger: 'cli' }).catch(
      (e: unknown) => e,
    );
    expect(await ended).toEqual([true]);
    expect(error).toMatchObject({ kind: 'retryable', code: 'RUN_LEASE_LOST' });
    // At most the status check in hand when the lease went: not the many left before the deadline.
    expect(polls).toBeLessThanOrEqual(LEASE_LOST_AT_POLL + 1);
    const [run] = await complianceRuns();
    // One page for creating the job, one per status check.
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'RUN_LEASE_LOST', counts: { pages: 1 + polls } });
    expect(run!.error).toMatch(/lost its lease/);

    fake.clearRequests();
    const next = await compliance({ waitMs: 0 });
    expect(next.campaigns[0]).toMatchObject({ outcome: 'pending' });
    expect(fake.requests().filter((r) => r.method === 'POST' || r.method === 'PUT')).toEqual([]);
  });

  it('stopped by its signal (shutdown) while waiting for X, is recorded as interrupted, not failed', async () => {
    fake.setComplianceDelay(60_000);
    const real = createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) });
    const stop = new AbortController();
    let polls = 0;
    const watched: XBatchCompliance = {
      ...real,
      async getJob(jobId) {
        polls += 1;
        if (polls === 2) stop.abort();
        return real.getJob(jobId);
      },
    };
    const error: unknown = await runBatchCompliance(
      { pool: db.pool, compliance: watched, now: () => clock },
      { pollIntervalMs: 20, waitMs: 3_000, trigger: 'cli', signal: stop.signal },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'retryable', code: 'INTERRUPTED' });
    expect(polls).toBeLessThanOrEqual(3);
    const [run] = await complianceRuns();
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED', counts: { pages: 1 + polls } });
  });
});
