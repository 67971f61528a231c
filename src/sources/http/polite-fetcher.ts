import { redactUrl } from '../../config/secret.js';
import { PermanentError, RateLimitedError, RetryableError, type IngestionError } from '../../ingestion/errors.js';
import { HostQueue } from './host-queue.js';
import { parseRetryAfter } from './retry-after.js';

export const GROUNDSWELL_USER_AGENT = 'Groundswell/0.1 (campaign-engagement tracker)';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface PoliteFetcherOptions {
  userAgent?: string;
  /** Smallest gap between one request to a host ending and the next starting, unless a request asks for its own. Default 1000 ms. */
  minIntervalMs?: number;
  /** For the whole of each request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Larger bodies are abandoned as they stream in. Default 20 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** When a 429 carries no Retry-After. Default 60 s. */
  defaultRetryAfterMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Wall clock for Retry-After; injectable for tests. */
  clock?: () => number;
}

export interface HttpGetRequest {
  url: string;
  accept: string;
  /** Validators from the last response, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  /** This host's minimum gap between requests, when its source configures one. */
  minIntervalMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  /** The address that answered, after redirects, credentials removed. */
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body decoded with the charset the response declares (UTF-8 when it declares none). */
  text(): string;
}

/**
 * The one HTTP client both site adapters use: it names Groundswell in its User-Agent, sends one
 * request at a time per host with a minimum gap, honours Retry-After, times every request out,
 * refuses bodies past a size cap as they stream, follows redirects itself (so loops are caught and
 * credentials never follow a redirect to another host) and supports conditional GET.
 *
 * It throws typed ingestion errors for what no caller can use (network failures, timeouts, 429,
 * 5xx, redirect loops, huge bodies) and returns every other answer, 4xx included, for the adapter
 * to explain in its own terms.
 */
export class PoliteFetcher {
  readonly #hosts = new HostQueue();
  readonly #blockedUntil = new Map<string, number>();
  readonly #userAgent: string;
  readonly #minIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxRedirects: number;
  readonly #defaultRetryAfterMs: number;
  readonly #fetch: typeof globalThis.fetch;
  readonly #clock: () => number;

  constructor(options: PoliteFetcherOptions = {}) {
    this.#userAgent = options.userAgent ?? GROUNDSWELL_USER_AGENT;
    this.#minIntervalMs = options.minIntervalMs ?? 1_000;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.#maxRedirects = options.maxRedirects ?? 5;
    this.#defaultRetryAfterMs = options.defaultRetryAfterMs ?? 60_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? Date.now;
  }

  async get(request: HttpGetRequest): Promise<HttpResponse> {
    const first = parseTarget(request.url);
    const credentials = first.credentials;
    let target = first.url;
    const visited = new Set<string>();
    for (let hop = 0; ; hop += 1) {
      visited.add(target.href);
      // Basic-auth credentials from the configured URL go to its own origin only, never across a redirect.
      const authorization = credentials && target.origin === first.url.origin ? credentials : undefined;
      const response = await this.#send(target, request, authorization);
      if (!REDIRECT_STATUSES.has(response.status)) return response;

      const location = response.headers.get('location');
      const shown = redactUrl(target.href);
      if (!location) throw new PermanentError('BAD_REDIRECT', `${shown} answered ${response.status} (a redirect) without saying where to`);
      let next: URL;
      try {
        next = new URL(location, target);
      } catch {
        throw new PermanentError('BAD_REDIRECT', `${shown} redirects to ${JSON.stringify(location)}, which is not a URL`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new PermanentError('BAD_REDIRECT', `${shown} redirects to a ${next.protocol} address, which Groundswell does not follow`);
      }
      next.username = '';
      next.password = '';
      if (visited.has(next.href)) {
        throw new PermanentError('REDIRECT_LOOP', `${shown} redirects in a loop (back to ${redactUrl(next.href)}); check the site's address and its redirect settings`);
      }
      if (hop + 1 > this.#maxRedirects) {
        throw new PermanentError('TOO_MANY_REDIRECTS', `${redactUrl(request.url)} redirected more than ${this.#maxRedirects} times (last to ${redactUrl(next.href)}); configure the final address instead`);
      }
      target = next;
    }
  }

  async #send(target: URL, request: HttpGetRequest, authorization: string | undefined): Promise<HttpResponse> {
    const host = target.host;
    const shown = redactUrl(target.href);
    const blockedUntil = this.#blockedUntil.get(host);
    if (blockedUntil !== undefined && blockedUntil > this.#clock()) {
      const resetAt = new Date(blockedUntil);
      throw new RateLimitedError(resetAt, `${host} asked Groundswell to wait until ${resetAt.toISOString()} (Retry-After); no request was sent to ${shown}`);
    }

    return this.#hosts.run(host, request.minIntervalMs ?? this.#minIntervalMs, request.signal, async () => {
      const headers: Record<string, string> = { 'User-Agent': this.#userAgent, Accept: request.accept };
      if (request.etag) headers['If-None-Match'] = request.etag;
      if (request.lastModified) headers['If-Modified-Since'] = request.lastModified;
      if (authorization) headers.Authorization = authorization;

      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const own = new AbortController();
      const signal = AbortSignal.any([timeout, own.signal, ...(request.signal ? [request.signal] : [])]);
      const fail = (error: unknown): IngestionError => this.#classifyFailure(error, shown, timeout, request.signal);

      let response: Response;
      try {
        response = await this.#fetch(target, { method: 'GET', headers, redirect: 'manual', signal });
      } catch (error) {
        throw fail(error);
      }

      const status = response.status;
      if (REDIRECT_STATUSES.has(status) || status === 304) {
        await response.body?.cancel().catch(() => {});
        return makeResponse(target.href, status, response.headers, Buffer.alloc(0));
      }
      this.#refuseUnusable(response, host, shown);

      let body: Buffer;
      try {
        body = await readCapped(response, this.#maxBytes, () => own.abort());
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new PermanentError('RESPONSE_TOO_LARGE', `${shown} sent more than ${formatBytes(this.#maxBytes)}; Groundswell stopped reading (is this the right address?)`);
        }
        throw fail(error);
      }
      return makeResponse(target.href, status, response.headers, body);
    });
  }

  /** Statuses no adapter can use: wait (429, 503 with Retry-After) or retry later (5xx, 408). The connection is released first. */
  #refuseUnusable(response: Response, host: string, shown: string): void {
    const status = response.status;
    if (status !== 429 && status !== 408 && status < 500) return;
    void response.body?.cancel().catch(() => {});
    const resetAt = parseRetryAfter(response.headers.get('retry-after'), this.#clock());
    if (status === 429 || (status === 503 && resetAt)) {
      const until = resetAt ?? new Date(this.#clock() + this.#defaultRetryAfterMs);
      this.#blockedUntil.set(host, until.getTime());
      const why = status === 429 ? '429 Too Many Requests' : '503 Service Unavailable (maintenance)';
      throw new RateLimitedError(until, `${shown} answered ${why}; Groundswell waits until ${until.toISOString()} as ${resetAt ? 'its Retry-After asks' : 'a default, as it gave no Retry-After'}`);
    }
    if (status === 408) throw new RetryableError('HTTP_TIMEOUT', `${shown} answered 408 Request Timeout; will retry`);
    throw new RetryableError('HTTP_SERVER_ERROR', `${shown} answered ${status} (a server error); will retry`);
  }

  #classifyFailure(error: unknown, shown: string, timeout: AbortSignal, passSignal: AbortSignal | undefined): IngestionError {
    if (passSignal?.aborted) return new RetryableError('HTTP_ABORTED', `the request to ${shown} was cancelled because the pass was stopped`, { cause: error });
    if (timeout.aborted) return new RetryableError('HTTP_TIMEOUT', `${shown} did not answer in full within ${this.#timeoutMs / 1000} s`, { cause: error });
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
    return new RetryableError('HTTP_NETWORK', `could not reach ${shown}: ${reason}`, { cause: error });
  }
}

class BodyTooLarge extends Error {}

async function readCapped(response: Response, maxBytes: number, abort: () => void): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw new BodyTooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  // Node's fetch types the body loosely; it streams bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Aborting closes the connection, so the server stops sending the rest.
      abort();
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function makeResponse(url: string, status: number, headers: Headers, body: Buffer): HttpResponse {
  return { url, status, headers, body, text: () => decode(body, headers.get('content-type')) };
}

function decode(body: Buffer, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // An unknown charset label: UTF-8 is the best guess on the web.
    }
  }
  // TextDecoder drops a byte-order mark, which some PHP sites send before their JSON.
  return new TextDecoder('utf-8').decode(body);
}

function parseTarget(raw: string): { url: URL; credentials?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PermanentError('CONFIG_INVALID', `${JSON.stringify(redactUrl(raw))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentError('CONFIG_INVALID', `${redactUrl(raw)} is not an http(s) URL`);
  if (!url.username && !url.password) return { url };
  const credentials = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { url, credentials };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}
