import type { AppConfig } from '../config/index.js';
import { PermanentError } from '../ingestion/errors.js';
import { CollectorRegistry } from '../ingestion/collector.js';
import type { Redis } from 'ioredis';
import type { TwitterApi } from 'twitter-api-v2';
import { credentialFingerprint, RateBudget, rateBudgetPrefix, type ScopedRateBudget } from '../ingestion/rate-budget.js';
import { createXClient } from './x/client.js';
import { XSearchCollector } from './x/search-collector.js';
import { planXBackfill, type BackfillWindow, type XBackfillPlan } from './x/backfill.js';
import type { SourceRow } from '../store/sources.js';
import type { Queryable } from '../store/db.js';
import { listStoredCommentIds } from '../store/site-comments.js';
import { PoliteFetcher } from './http/polite-fetcher.js';
import { createWordPressCollectorFactory } from './wordpress/factory.js';
import { createFeedCollectorFactory } from './feed/factory.js';

/** One X client and the rate-limit budget it shares, through Redis, with every other worker using the same token. */
export interface XConnection {
  client: TwitterApi;
  rateBudget?: ScopedRateBudget;
}

/**
 * Connects to X when a token is configured. With a Redis connection (already connected), every
 * request is first reserved from the budget all workers share; without one, each collector only
 * heeds the rate-limit headers it has seen itself.
 */
export function connectX(config: AppConfig, redis?: Redis): XConnection | undefined {
  const token = config.env.X_BEARER_TOKEN;
  if (!token) return undefined;
  // One client for every X source: it keeps one keep-alive connection pool to the API.
  const client = createXClient({ bearerToken: token.reveal(), baseUrl: config.env.X_API_BASE_URL });
  if (!redis) return { client };
  const budget = new RateBudget(redis, { keyPrefix: rateBudgetPrefix(config.env.REDIS_PREFIX) });
  return { client, rateBudget: budget.for({ api: 'x', credential: credentialFingerprint(token.reveal()) }) };
}

/** IO the collectors can be given; each has a real default. */
export interface CollectorRegistryIo {
  /** X's client and shared budget (default: connectX without a budget). */
  x?: XConnection;
  /** Lets WordPress sweeps list the comments already stored; without it no sweep is offered. */
  db?: Queryable;
  /** Shared by every site source, so sources on one host share its politeness budget. */
  fetcher?: PoliteFetcher;
  /** WordPress.com's public API origin (default https://public-api.wordpress.com); tests point it at the fake. */
  wordpressComApiUrl?: string;
}

/**
 * The collectors this build ships, one per source kind. Adding a source kind means adding its folder
 * under src/sources/ and one `register` line here.
 */
export function createCollectorRegistry(config: AppConfig, io: CollectorRegistryIo = {}): CollectorRegistry {
  const registry = new CollectorRegistry();
  const x = io.x ?? connectX(config);
  if (x) {
    registry.register('x-search', (source, pass) => {
      const query = source.settings.query;
      if (typeof query !== 'string') throw new PermanentError('CONFIG_INVALID', `source ${source.slug} has no query`);
      return pass.kind === 'incremental' ? new XSearchCollector({ ...x, query }) : undefined;
    });
  } else {
    registry.unavailable('x-search', 'X_BEARER_TOKEN is not set, so X cannot be searched');
  }
  const fetcher = io.fetcher ?? new PoliteFetcher();
  const db = io.db;
  registry.register(
    'wordpress',
    createWordPressCollectorFactory({
      fetcher,
      ...(io.wordpressComApiUrl ? { wordpressComApiUrl: io.wordpressComApiUrl } : {}),
      ...(db ? { storedCommentIds: (sourceId: number, since: Date) => listStoredCommentIds(db, sourceId, since) } : {}),
    }),
  );
  registry.register('feed', createFeedCollectorFactory({ fetcher }));
  return registry;
}

/**
 * Plans a backfill of a source over a past window: which archive it reads, how many posts and
 * requests to expect, and the collector that does it. Only X searches have a past to backfill: a
 * site's first pass already reads its whole comment history.
 */
export async function planSourceBackfill(config: AppConfig, source: SourceRow, window: BackfillWindow, x = connectX(config)): Promise<XBackfillPlan> {
  if (source.kind !== 'x-search') {
    throw new PermanentError('BACKFILL_UNSUPPORTED', `${source.slug} is a ${source.kind} source: only x-search sources can be backfilled (a site's first pass already reads its whole history)`);
  }
  if (!x) throw new PermanentError('X_NO_TOKEN', 'X_BEARER_TOKEN is not set, so X cannot be searched');
  const query = source.settings.query;
  if (typeof query !== 'string') throw new PermanentError('CONFIG_INVALID', `source ${source.slug} has no query`);
  return planXBackfill(x, query, window);
}
