import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ComplianceJobs, type ComplianceJobType, type ComplianceResultLine } from './compliance.js';
import { FaultQueue, type FaultSpec, type XEndpoint } from './faults.js';
import type { HandlerContext, HandlerResult } from './handlers/context.js';
import { createJob, downloadResults, getJob, listJobs, uploadIds } from './handlers/compliance.js';
import { countTweets } from './handlers/counts.js';
import { lookupTweets } from './handlers/lookup.js';
import { searchTweets } from './handlers/search.js';
import { HttpProblem } from './params.js';
import { genericProblem, notFound, tooManyRequests, unauthorized, type InvalidParameter } from './problems.js';
import { parseFieldSelection, prerenderRecords, type FIELD_PARAMETERS } from './render.js';
import { RateLimiter, type RateLimitRule, type RateLimitState } from './rate-limit.js';
import { snowflakeTime, TWEET_ID_PATTERN } from './snowflake.js';
import type { XDataset, XPlaceRecord, XPublicMetrics, XTweetRecord, XUserRecord } from './types.js';
import { XWorld } from './world.js';

// A real HTTP server speaking the X API v2 contract for the endpoints Groundswell uses, so the
// production twitter-api-v2 client (pointed here by createXClient) is what tests, benchmarks and
// the demo exercise. Everything is in memory; the handle's control methods change the world.

export type RateLimitedEndpoint = Exclude<XEndpoint, 'compliance/storage'>;

const FIFTEEN_MINUTES = 15 * 60 * 1000;
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitedEndpoint, RateLimitRule>> = {
  'search/recent': { limit: 450, windowMs: FIFTEEN_MINUTES },
  'search/all': { limit: 300, windowMs: FIFTEEN_MINUTES },
  tweets: { limit: 3500, windowMs: FIFTEEN_MINUTES },
  'counts/recent': { limit: 300, windowMs: FIFTEEN_MINUTES },
  'counts/all': { limit: 300, windowMs: FIFTEEN_MINUTES },
  'compliance/jobs': { limit: 10_000, windowMs: FIFTEEN_MINUTES },
};

export interface FakeXApiOptions {
  /** The token every /2 request must present as `Authorization: Bearer <token>`. */
  bearerToken: string;
  dataset?: Partial<XDataset>;
  /** When false, search/all and counts/all answer 403 client-forbidden (default true). */
  fullArchiveAccess?: boolean;
  /** The fake's clock: the 7-day window, default end_time, rate-limit windows, job times. */
  now?: () => Date;
  rateLimits?: Partial<Record<RateLimitedEndpoint, RateLimitRule>>;
  /** Real milliseconds between uploading a compliance job's ids and the job completing (default 0). */
  complianceDelayMs?: number;
  /** 512 on self-serve plans, 1024 or 4096 on higher ones. */
  maxQueryLength?: number;
  /** Defaults to 127.0.0.1; the fake is for local use only. */
  host?: string;
  /** Defaults to 0 (an ephemeral port). */
  port?: number;
  /** Keep each response's body and content type in the request log (for contract tests). */
  recordBodies?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  endpoint: XEndpoint | undefined;
  /** null while a request is still pending (or hanging by design). */
  status: number | null;
  at: Date;
  /** The injected fault this request consumed, if any. */
  fault?: FaultSpec;
  /** Only with `recordBodies`. */
  contentType?: string;
  responseBody?: string;
}

/** Request field parameters as lists, e.g. `{ 'tweet.fields': ['created_at'], expansions: ['author_id'] }`. */
export type FieldRequest = Readonly<Partial<Record<(typeof FIELD_PARAMETERS)[number], readonly string[]>>>;

export interface FakeXApi {
  /** Origin such as http://127.0.0.1:43127 (no /2): pass it as X_API_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops every connection, hung ones included. Safe to call repeatedly. */
  close(): Promise<void>;

  addTweets(tweets: readonly XTweetRecord[]): void;
  addUsers(users: readonly XUserRecord[]): void;
  addPlaces(places: readonly XPlaceRecord[]): void;
  /** The post stays in compliance results; lookups report resource-not-found. */
  deleteTweet(id: string): void;
  /** The user's posts drop out of search and lookups report not-authorized-for-resource. */
  protectUser(userId: string): void;
  unprotectUser(userId: string): void;
  /** Creates the edited version (new id, created now) and returns it; the old id leaves search. */
  editTweet(id: string, newText: string): XTweetRecord;
  updateMetrics(id: string, metrics: Partial<XPublicMetrics>): void;
  /** A copy of the stored post, whatever its visibility. */
  getTweet(id: string): XTweetRecord | undefined;
  /**
   * Renders every stored post, user and place for requests with these fields now, and prepares
   * every post for search matching, so serving them later takes little CPU. Responses are byte for
   * byte the same either way; records added or changed afterwards are rendered when first served.
   */
  prerender(fields: FieldRequest): void;

  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  exhaustRateLimit(endpoint: RateLimitedEndpoint): void;
  resetRateLimits(): void;
  rateLimitState(endpoint: RateLimitedEndpoint): RateLimitState;
  setFullArchiveAccess(allowed: boolean): void;
  setComplianceDelay(ms: number): void;

  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
}

interface Route {
  method: string;
  pattern: RegExp;
  endpoint: XEndpoint;
  /** Storage URLs are pre-signed, so they take no bearer token and have no rate limit. */
  storage: boolean;
  handle(ctx: HandlerContext): HandlerResult;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('fake X API closed'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('fake X API closed'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, genericProblem(413)));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeXApi(options: FakeXApiOptions): Promise<FakeXApi> {
  if (!options.bearerToken) throw new Error('startFakeXApi needs a bearerToken to require');
  const now = options.now ?? (() => new Date());
  const world = new XWorld(options.dataset);
  const faults = new FaultQueue();
  const limiter = new RateLimiter<RateLimitedEndpoint>({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, now);
  let fullArchiveAccess = options.fullArchiveAccess ?? true;
  let complianceDelayMs = options.complianceDelayMs ?? 0;
  const maxQueryLength = options.maxQueryLength ?? 512;
  const log: RequestLogEntry[] = [];
  const closing = new AbortController();
  const sockets = new Set<Socket>();

  const resolveCompliance = (type: ComplianceJobType, ids: readonly string[], at: Date): ComplianceResultLine[] => {
    const lines: ComplianceResultLine[] = [];
    for (const id of new Set(ids)) {
      if (!TWEET_ID_PATTERN.test(id)) continue;
      if (type === 'tweets') {
        const reason = world.complianceReason(id);
        if (!reason) continue;
        const tweet = world.tweet(id);
        lines.push({
          id,
          action: 'delete',
          created_at: tweet?.created_at ?? snowflakeTime(id).toISOString(),
          redacted_at: (world.redactedAt('tweet', id) ?? at).toISOString(),
          reason,
        });
      } else {
        const user = world.user(id);
        if (user && !world.isUserProtected(id)) continue;
        lines.push({
          id,
          action: user ? 'protect' : 'delete',
          created_at: user?.created_at ?? at.toISOString(),
          redacted_at: (world.redactedAt('user', id) ?? at).toISOString(),
          reason: user ? 'protected' : 'deleted',
        });
      }
    }
    return lines;
  };
  const jobs = new ComplianceJobs(now, () => performance.now(), () => complianceDelayMs, resolveCompliance);

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/2\/tweets\/search\/recent$/u, endpoint: 'search/recent', storage: false, handle: (c) => searchTweets(c, 'recent') },
    { method: 'GET', pattern: /^\/2\/tweets\/search\/all$/u, endpoint: 'search/all', storage: false, handle: (c) => searchTweets(c, 'all') },
    { method: 'GET', pattern: /^\/2\/tweets\/counts\/recent$/u, endpoint: 'counts/recent', storage: false, handle: (c) => countTweets(c, 'recent') },
    { method: 'GET', pattern: /^\/2\/tweets\/counts\/all$/u, endpoint: 'counts/all', storage: false, handle: (c) => countTweets(c, 'all') },
    { method: 'GET', pattern: /^\/2\/tweets$/u, endpoint: 'tweets', storage: false, handle: lookupTweets },
    { method: 'POST', pattern: /^\/2\/compliance\/jobs$/u, endpoint: 'compliance/jobs', storage: false, handle: (c) => createJob(c, jobs) },
    { method: 'GET', pattern: /^\/2\/compliance\/jobs$/u, endpoint: 'compliance/jobs', storage: false, handle: (c) => listJobs(c, jobs) },
    { method: 'GET', pattern: /^\/2\/compliance\/jobs\/(?<id>[^/]+)$/u, endpoint: 'compliance/jobs', storage: false, handle: (c) => getJob(c, jobs) },
    { method: 'PUT', pattern: /^\/compliance-storage\/upload\/(?<id>[^/]+)$/u, endpoint: 'compliance/storage', storage: true, handle: (c) => uploadIds(c, jobs) },
    { method: 'GET', pattern: /^\/compliance-storage\/download\/(?<id>[^/]+)$/u, endpoint: 'compliance/storage', storage: true, handle: (c) => downloadResults(c, jobs) },
  ];

  let origin = '';

  function send(res: ServerResponse, entry: RequestLogEntry, result: HandlerResult, rate: RateLimitState | undefined, malformed: boolean): void {
    if (res.destroyed || res.headersSent) return;
    const isProblem = result.status >= 400 && result.text === undefined && result.bytes === undefined;
    const cut = malformed && result.status < 400;
    let bytes: Buffer;
    let text: string | undefined;
    if (result.bytes && !cut) {
      bytes = result.bytes;
    } else {
      text = result.bytes?.toString('utf8') ?? result.text ?? JSON.stringify(result.body ?? {});
      // Half the string, not half the bytes, so a cut that splits a character breaks it as before.
      if (cut) text = text.slice(0, Math.floor(text.length / 2));
      // Encoded once: measuring the string's UTF-8 length and then writing it would encode it twice.
      bytes = Buffer.from(text, 'utf8');
    }
    const headers: Record<string, string | number> = {
      'content-type': result.contentType ?? (isProblem ? 'application/problem+json' : 'application/json; charset=utf-8'),
      'content-length': bytes.length,
    };
    if (rate) {
      headers['x-rate-limit-limit'] = rate.limit;
      headers['x-rate-limit-remaining'] = rate.remaining;
      headers['x-rate-limit-reset'] = rate.reset;
    }
    entry.status = result.status;
    if (options.recordBodies) {
      entry.contentType = String(headers['content-type']);
      entry.responseBody = text ?? bytes.toString('utf8');
    }
    res.writeHead(result.status, headers);
    res.end(bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = entry.method;

    let route: Route | undefined;
    let pathParams: Record<string, string> = {};
    for (const candidate of routes) {
      const match = candidate.method === method ? candidate.pattern.exec(url.pathname) : null;
      if (match) {
        route = candidate;
        pathParams = { ...match.groups };
        break;
      }
    }
    if (!route) {
      send(res, entry, { status: 404, body: notFound() }, undefined, false);
      return;
    }
    entry.endpoint = route.endpoint;
    const limited = route.storage ? undefined : (route.endpoint as RateLimitedEndpoint);

    const fault = faults.take(route.endpoint);
    if (fault) entry.fault = fault;
    if (fault?.hang) return;
    if (fault?.delayMs) await sleep(fault.delayMs, closing.signal);
    if (fault?.rateLimitExhaust && limited) limiter.exhaust(limited);
    if (fault?.status) {
      send(res, entry, { status: fault.status, body: fault.body ?? genericProblem(fault.status) }, limited ? limiter.peek(limited) : undefined, false);
      return;
    }

    if (!route.storage && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
      send(res, entry, { status: 401, body: unauthorized() }, undefined, false);
      return;
    }
    const rate = limited ? limiter.take(limited) : undefined;
    if (rate && !rate.allowed) {
      send(res, entry, { status: 429, body: tooManyRequests() }, rate, false);
      return;
    }

    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
    const ctx: HandlerContext = {
      endpoint: route.endpoint,
      query: url.searchParams,
      body,
      pathParams,
      world,
      now,
      origin,
      maxQueryLength,
      fullArchiveAccess,
    };
    let result: HandlerResult;
    try {
      result = route.handle(ctx);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      result = { status: error.status, body: error.body };
    }
    send(res, entry, result, rate, fault?.malformedJson === true);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const entry: RequestLogEntry = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      endpoint: undefined,
      status: null,
      at: now(),
    };
    log.push(entry);
    handle(req, res, entry).catch((error: unknown) => {
      if (closing.signal.aborted) return;
      const status = error instanceof HttpProblem ? error.status : 500;
      if (!res.headersSent && !res.destroyed) {
        send(res, entry, { status, body: error instanceof HttpProblem ? error.body : genericProblem(500) }, undefined, false);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  let closed: Promise<void> | undefined;
  const mustExist = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`fake X API: unknown ${what}`);
  };

  return {
    url: origin,
    port: address.port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Idle keep-alive sockets and deliberately hung requests would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
    addTweets: (tweets) => world.addTweets(tweets),
    addUsers: (users) => world.addUsers(users),
    addPlaces: (places) => world.addPlaces(places),
    deleteTweet: (id) => mustExist(world.deleteTweet(id, now()), `tweet ${id}`),
    protectUser: (id) => mustExist(world.setUserProtected(id, true, now()), `user ${id}`),
    unprotectUser: (id) => mustExist(world.setUserProtected(id, false, now()), `user ${id}`),
    editTweet: (id, newText) => world.editTweet(id, newText, now()),
    updateMetrics: (id, metrics) => mustExist(world.updateMetrics(id, metrics), `tweet ${id}`),
    getTweet: (id) => {
      const tweet = world.tweet(id);
      return tweet ? structuredClone(tweet) : undefined;
    },
    prerender: (fields) => {
      const query = new URLSearchParams();
      for (const [name, values] of Object.entries(fields)) if (values?.length) query.set(name, values.join(','));
      const issues: InvalidParameter[] = [];
      const selection = parseFieldSelection(query, issues);
      // A misspelt field would otherwise warm a selection no request uses, and nobody would notice.
      if (issues.length > 0) throw new Error(`fake X API: cannot prerender: ${issues.map((i) => i.message).join('; ')}`);
      prerenderRecords(world.records(), selection);
      // A search's scan is the other per-post cost; its match data is kept until users change.
      world.prepareMatching();
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    exhaustRateLimit: (endpoint) => limiter.exhaust(endpoint),
    resetRateLimits: () => limiter.reset(),
    rateLimitState: (endpoint) => limiter.peek(endpoint),
    setFullArchiveAccess: (allowed) => {
      fullArchiveAccess = allowed;
    },
    setComplianceDelay: (ms) => {
      complianceDelayMs = ms;
    },
    requests: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    clearRequests: () => {
      log.length = 0;
    },
  };
}
