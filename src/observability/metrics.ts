import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RateBudget, RateWindowState } from '../ingestion/rate-budget.js';
import type { Pool } from '../store/db.js';
import { sourceRunTotals, type SourceRunTotals } from '../store/run-metrics.js';

// Prometheus metrics served by the web process at /metrics. Ingestion figures are read from the run
// ledger in PostgreSQL at scrape time, queue depths from Redis, rate-limit windows from the shared
// budget, so any one web process reports the whole deployment. Only API latency is in-process.

export interface MetricsSources {
  db: Pool;
  queue?: Queue;
  rateBudget?: RateBudget;
}

export interface Metrics {
  registry: Registry;
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** A read shared by every metric's collect() in one scrape: the same answer for a second, then read again. */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let reading: Promise<T> | undefined;
  return () => (reading ??= read().finally(() => setTimeout(() => (reading = undefined), 1_000).unref()));
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'groundswell_' });

  // One ledger read per scrape, shared by every ledger metric's collect().
  const totals = perScrape(() => sourceRunTotals(sources.db));
  // Ledger sums only grow, so they are counters (a rate() over them is work done per second).
  const fromLedger = (name: string, help: string, labels: readonly ('source' | 'kind' | 'status')[], value: (t: SourceRunTotals) => number) =>
    new Counter({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await totals()) this.inc(Object.fromEntries(labels.map((l) => [l, row[l]])), value(row));
      },
    });
  fromLedger('groundswell_posts_ingested_total', 'Posts and comments stored for the first time, by source and kind of pass.', ['source', 'kind'], (t) => t.newPosts);
  fromLedger('groundswell_posts_updated_total', 'Stored posts whose content or engagement changed, by source.', ['source', 'kind'], (t) => t.updatedPosts);
  fromLedger('groundswell_posts_removed_total', 'Posts purged to tombstones (deleted, no longer public), by source.', ['source', 'kind'], (t) => t.removedPosts);
  fromLedger('groundswell_runs_total', 'Passes recorded in the run ledger, by source, kind and outcome.', ['source', 'kind', 'status'], (t) => t.runs);
  fromLedger('groundswell_run_duration_seconds_total', 'Time spent in passes, by source and kind (divide by groundswell_runs_total for the mean).', ['source', 'kind'], (t) => t.durationSeconds);
  fromLedger('groundswell_rate_limit_waits_total', 'Times a pass stopped for a spent rate limit, by source.', ['source', 'kind'], (t) => t.rateLimitWaits);
  fromLedger('groundswell_rate_limit_wait_seconds_total', 'Time passes spent waiting for rate-limit resets, by source.', ['source', 'kind'], (t) => t.rateLimitWaitSeconds);
  new Gauge({
    name: 'groundswell_last_run_duration_seconds',
    help: 'How long the most recent finished pass took, by source and kind.',
    labelNames: ['source', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      // The ledger groups by outcome too: the latest run of a source and kind is the latest of its groups.
      const latest = new Map<string, { source: string; kind: string; seconds: number; at: number }>();
      for (const row of await totals()) {
        if (row.lastDurationSeconds === null || row.lastStartedAt === null) continue;
        const key = `${row.source}/${row.kind}`;
        const at = row.lastStartedAt.getTime();
        if ((latest.get(key)?.at ?? -Infinity) < at) latest.set(key, { source: row.source, kind: row.kind, seconds: row.lastDurationSeconds, at });
      }
      for (const { source, kind, seconds } of latest.values()) this.set({ source, kind }, seconds);
    },
  });

  if (sources.queue) {
    const queue = sources.queue;
    new Gauge({
      name: 'groundswell_queue_jobs',
      help: 'Jobs in the ingestion queue, by state.',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  if (sources.rateBudget) {
    const budget = sources.rateBudget;
    const windows = perScrape(() => budget.windows());
    const fromWindows = (name: string, help: string, value: (w: RateWindowState) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['api', 'endpoint'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const w of await windows()) this.set({ api: w.api, endpoint: w.endpoint }, value(w));
        },
      });
    fromWindows('groundswell_rate_limit_remaining', 'Requests left in the current rate-limit window shared by all workers.', (w) => w.remaining);
    fromWindows('groundswell_rate_limit_limit', 'Requests allowed per rate-limit window.', (w) => w.limit);
    fromWindows('groundswell_rate_limit_reset_seconds', 'Seconds until the rate-limit window resets.', (w) => Math.max(0, (w.resetAt.getTime() - Date.now()) / 1000));
  }

  const latency = new Histogram({
    name: 'groundswell_http_request_duration_seconds',
    help: 'HTTP API latency by route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  return {
    registry,
    observeRequest: ({ method, route, status }, seconds) => latency.observe({ method, route, status: String(status) }, seconds),
  };
}
