import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { z } from 'zod';
import type { Redis } from '../runtime/redis.js';
import type { Pool } from '../store/db.js';
import type { SessionLifetime } from '../store/sessions.js';
import type { Role } from '../store/users.js';
import type { AnalyticsCache } from './analytics-cache.js';

// One API endpoint is one plain object: method, path, who may call it, zod schemas for its path
// parameters, query and body, the schema of what it answers, and a handler. The same object gives
// validation (400 naming the parameter), the OpenAPI description, and, when `csv` is set, a CSV
// twin at `<path>.csv` and under `Accept: text/csv`. Route files export arrays of these; the list in
// routes/index.ts is all that registers them.

/** Who may call a route: anyone, any signed-in user or API token, or admins only. */
export type Access = 'public' | 'viewer' | 'admin';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AuthUser {
  id: number;
  email: string;
  role: Role;
}

/** Who is calling: a browser session (may change things, with its CSRF token) or a read-only API token. */
export type Principal =
  | { kind: 'session'; user: AuthUser; tokenHash: string; csrfToken: string; expiresAt: Date }
  | { kind: 'token'; user: AuthUser; tokenId: number; tokenName: string };

export interface AuthSettings {
  session: SessionLifetime;
  /** Login attempts per client address and email. */
  loginAttempts: { max: number; windowMs: number };
  /** Login attempts per email from anywhere: caps guessing through many (or spoofed) addresses. */
  loginAttemptsPerEmail: { max: number; windowMs: number };
}

/** What handlers work with, besides the request. */
export interface ApiServices {
  db: Pool;
  redis: Redis;
  auth: AuthSettings;
  /** When the web process has the ingest queue: the time each source's scheduler fires next. */
  nextRuns?: (sourceSlugs: readonly string[]) => Promise<Map<string, Date>>;
  /** Demo mode: the data is simulated, and the dashboard says so. */
  demo?: boolean;
  /** Launch-analytics answers reused for a few seconds (see analytics-cache.ts). */
  analyticsCache: AnalyticsCache;
  /** The clock launch analytics read "now" from: what part of a window has happened, which days are complete. */
  now: () => Date;
}

export interface RouteContext<P, Q, B, A extends Access> {
  params: P;
  query: Q;
  body: B;
  principal: A extends 'public' ? Principal | null : Principal;
  request: FastifyRequest;
  reply: FastifyReply;
  services: ApiServices;
}

/** A list endpoint's CSV twin: which rows, with columns taken (flattened) from the row schema. */
export interface CsvExport<R> {
  /** File name offered for download, without ".csv". */
  filename: string;
  row: z.ZodObject;
  rows(result: R): readonly object[];
}

type NoInput = z.ZodObject<Record<string, never>>;

export interface ApiRoute<
  A extends Access = Access,
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Fastify path syntax: /api/campaigns/:campaign */
  path: string;
  summary: string;
  description?: string;
  /** Groups operations in the OpenAPI description. */
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** The shape of a successful answer (documentation; the handler's return type must match it). */
  response: R;
  /** 200 unless said otherwise; 204 sends no body. */
  status?: 200 | 201 | 204;
  csv?: CsvExport<z.output<R>>;
  /** Extra hooks that need the app (e.g. rate limits); they run after authentication, before the handler. */
  preHandlers?: (app: FastifyInstance, services: ApiServices) => preHandlerAsyncHookHandler[];
  // Method syntax on purpose: parameters are then checked bivariantly, so routes with different
  // schemas fit in one ApiRoute[] list.
  handler(context: RouteContext<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<z.input<R>> | z.input<R>;
}

/** Identity function that lets TypeScript infer a route's types from its schemas. */
export function defineRoute<A extends Access, R extends z.ZodType, P extends z.ZodType = NoInput, Q extends z.ZodType = NoInput, B extends z.ZodType = NoInput>(
  route: ApiRoute<A, P, Q, B, R>,
): ApiRoute<A, P, Q, B, R> {
  return route;
}

/** Any route, whatever its schemas (each was type-checked by defineRoute). */
export type AnyApiRoute = ApiRoute<Access, z.ZodType, z.ZodType, z.ZodType, z.ZodType>;
