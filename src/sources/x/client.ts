import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';

// twitter-api-v2 hard-codes https://api.x.com; it has no base-URL setting. A client plugin rewrites
// each request's URL before the library builds it, which covers every path the library takes
// (wrappers, paginator pages, lookups, counts, compliance), so the same production client talks to
// X or to the local fake X API depending only on X_API_BASE_URL.

/** The hosts twitter-api-v2 sends API calls to. Other URLs (compliance upload/download) are left alone. */
const LIBRARY_API_HOSTS = new Set(['api.x.com', 'api.twitter.com']);

export interface XClientOptions {
  bearerToken: string;
  /** The API's origin without /2, e.g. https://api.x.com or http://127.0.0.1:4010. */
  baseUrl: string;
  /** Per-request socket timeout; a request that stalls longer fails instead of hanging a worker. */
  timeoutMs?: number;
}

export class XClientConfigError extends Error {
  readonly code = 'X_CLIENT_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'XClientConfigError';
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new XClientConfigError(`X API base URL is not a URL: ${JSON.stringify(baseUrl)} (expected an origin such as https://api.x.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new XClientConfigError(`X API base URL must use http or https, got ${url.protocol} (expected an origin such as https://api.x.com)`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new XClientConfigError('X API base URL must be a plain origin (no credentials, query or fragment), such as https://api.x.com');
  }
  return url;
}

/**
 * The plugin that sends twitter-api-v2's requests to `baseUrl`. Exported for callers that build
 * their own TwitterApi (for example with extra plugins).
 */
export function createBaseUrlPlugin(baseUrl: string, timeoutMs?: number): ITwitterApiClientPlugin {
  const base = parseBaseUrl(baseUrl);
  const basePath = base.pathname.replace(/\/+$/u, '');
  // twitter-api-v2 always calls https.request; over plain http Node refuses the protocol unless the
  // request carries an http agent. Keep-alive saves a handshake per page of a long backfill.
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  return {
    onBeforeRequestConfig({ params }) {
      if (timeoutMs !== undefined) params.timeout ??= timeoutMs;
      const target = new URL(params.url.startsWith('http') ? params.url : `https://${params.url}`);
      if (!LIBRARY_API_HOSTS.has(target.hostname)) return;
      params.url = `${base.protocol}//${base.host}${basePath}${target.pathname}${target.search}`;
    },
    onBeforeRequest({ computedParams, requestOptions }) {
      requestOptions.agent = computedParams.url.protocol === 'http:' ? httpAgent : httpsAgent;
    },
  };
}

/**
 * A twitter-api-v2 client authenticated with an app bearer token whose every request goes to
 * `baseUrl`. Errors thrown here never include the token.
 */
export function createXClient(options: XClientOptions): TwitterApi {
  if (typeof options.bearerToken !== 'string' || options.bearerToken.trim() === '') {
    throw new XClientConfigError('X bearer token is empty (set X_BEARER_TOKEN)');
  }
  if (/\s/u.test(options.bearerToken)) {
    throw new XClientConfigError('X bearer token contains whitespace (check X_BEARER_TOKEN for a stray newline or space)');
  }
  const plugin = createBaseUrlPlugin(options.baseUrl, options.timeoutMs ?? 30_000);
  return new TwitterApi(options.bearerToken, { plugins: [plugin] });
}
