import type { XEndpoint } from '../faults.js';
import type { XWorld } from '../world.js';

export interface HandlerContext {
  endpoint: XEndpoint;
  query: URLSearchParams;
  /** Raw request body (POST/PUT only). */
  body: string;
  pathParams: Readonly<Record<string, string>>;
  world: XWorld;
  now: () => Date;
  /** The fake's own origin, for URLs it hands out (compliance storage). */
  origin: string;
  maxQueryLength: number;
  fullArchiveAccess: boolean;
}

export interface HandlerResult {
  status: number;
  /** Serialised as JSON unless `text` or `bytes` is given. */
  body?: unknown;
  text?: string;
  /** A body already serialised and UTF-8 encoded, for one assembled from cached parts. */
  bytes?: Buffer;
  contentType?: string;
}
