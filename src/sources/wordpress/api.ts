import { redactUrl } from '../../config/secret.js';
import { PermanentError } from '../../ingestion/errors.js';
import { linksWithRel } from '../http/link-header.js';
import type { HttpResponse, PoliteFetcher } from '../http/polite-fetcher.js';
import { htmlToPlainText } from '../site-comment/sanitise.js';
import { siteKeyOf } from '../site-comment/site-ids.js';
import { apiRootFromAdvertised, routeUrl, type ApiRoot } from './api-root.js';
import { listSchema, wpErrorSchema } from './payload.js';

export const WORDPRESS_COM_API_URL = 'https://public-api.wordpress.com';

const JSON_ACCEPT = 'application/json';
const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';
const API_REL = 'https://api.w.org/';

export interface WordPressApiOptions {
  /** The site as configured: https://blog.example.org, or a WordPress.com site such as https://hsm.wordpress.com. */
  siteUrl: string;
  fetcher: PoliteFetcher;
  /** WordPress.com's public API origin; tests and the demo point it at a local fake. */
  wordpressComApiUrl?: string;
  minIntervalMs?: number;
}

export type ListPage = { kind: 'page'; items: unknown[]; totalPages: number | undefined } | { kind: 'past-last-page' };

/**
 * A WordPress site's REST API as an anonymous visitor sees it: finds the API root once, then reads
 * lists, turning every answer that is not a usable JSON list into a coded error an operator can act on.
 */
export class WordPressApi {
  readonly site: URL;
  /** Identifies the site in external ids: its host, plus its path when WordPress lives in a folder. */
  readonly siteKey: string;
  readonly #fetcher: PoliteFetcher;
  readonly #wordpressComApiUrl: string;
  readonly #minIntervalMs: number | undefined;
  /** Basic-auth credentials from the configured URL, sent to the site's own origin only. */
  readonly #credentials: { username: string; password: string } | undefined;
  #root: Promise<ApiRoot> | undefined;

  constructor(options: WordPressApiOptions) {
    this.site = new URL(options.siteUrl);
    this.site.search = '';
    this.site.hash = '';
    if (this.site.username || this.site.password) this.#credentials = { username: this.site.username, password: this.site.password };
    this.site.username = '';
    this.site.password = '';
    this.siteKey = siteKeyOf(this.site);
    this.#fetcher = options.fetcher;
    this.#wordpressComApiUrl = (options.wordpressComApiUrl ?? WORDPRESS_COM_API_URL).replace(/\/+$/, '');
    this.#minIntervalMs = options.minIntervalMs;
  }

  /** The API root, found on first use and kept for the life of this object (one pass). */
  root(signal?: AbortSignal): Promise<ApiRoot> {
    if (!this.#root) {
      const discovering = this.#discover(signal);
      this.#root = discovering;
      // A failed discovery is not kept: the next call tries again.
      discovering.catch(() => {
        if (this.#root === discovering) this.#root = undefined;
      });
    }
    return this.#root;
  }

  /** One page of a wp/v2 collection. A page past the last is reported, whichever way the site answers it. */
  async list(route: string, params: Record<string, string>, signal?: AbortSignal): Promise<ListPage> {
    const url = routeUrl(await this.root(signal), route, params);
    const response = await this.#get(url, JSON_ACCEPT, signal);
    if (response.status === 400 && wpErrorCode(response) === 'rest_post_invalid_page_number') return { kind: 'past-last-page' };
    if (response.status !== 200) throw this.#refusal(response);
    const body = listSchema.safeParse(readJson(response));
    if (!body.success) {
      throw new PermanentError('WP_MALFORMED_PAYLOAD', `${shownUrl(response.url)} answered with JSON that is not a list, where WordPress sends a list; nothing from it was stored`);
    }
    const totalPages = Number.parseInt(response.headers.get('x-wp-totalpages') ?? '', 10);
    return { kind: 'page', items: body.data, totalPages: Number.isNaN(totalPages) ? undefined : totalPages };
  }

  async #get(url: string, accept: string, signal: AbortSignal | undefined): Promise<HttpResponse> {
    if (this.#credentials) {
      const target = new URL(url);
      if (target.origin === this.site.origin) {
        target.username = this.#credentials.username;
        target.password = this.#credentials.password;
        url = target.href;
      }
    }
    return this.#fetcher.get({ url, accept, ...(this.#minIntervalMs !== undefined ? { minIntervalMs: this.#minIntervalMs } : {}), ...(signal ? { signal } : {}) });
  }

  async #discover(signal: AbortSignal | undefined): Promise<ApiRoot> {
    if (isWordPressCom(this.site)) return { kind: 'wpcom', root: `${this.#wordpressComApiUrl}/wp/v2/sites/${encodeURIComponent(this.site.host)}` };

    // The site says where its API is: a Link header on every page, and a <link> in the HTML head.
    const home = await this.#get(this.site.href, HTML_ACCEPT, signal);
    if (home.status === 401 || home.status === 403) throw this.#refusal(home);
    const advertised = linksWithRel(home.headers.get('link'), API_REL, home.url)[0] ?? advertisedInHtml(home);
    if (advertised) return apiRootFromAdvertised(advertised);

    // Nothing advertised (a proxy or plugin strips it): try the pretty form, then the plain one.
    const base = this.site.href.endsWith('/') ? this.site.href : `${this.site.href}/`;
    const answers: string[] = [];
    for (const candidate of [`${base}wp-json/`, `${base}?rest_route=/`]) {
      const probe = await this.#get(candidate, JSON_ACCEPT, signal);
      if (probe.status === 401 || probe.status === 403) throw this.#refusal(probe);
      if (probe.status === 200 && isApiIndex(probe)) return apiRootFromAdvertised(candidate);
      answers.push(`${candidate} answered ${describeAnswer(probe)}`);
    }
    throw restDisabled(this.site, `the site does not advertise a REST API, and ${answers.join('; ')}`);
  }

  #refusal(response: HttpResponse): PermanentError {
    const shown = shownUrl(response.url);
    const error = wpError(response);
    const said = error ? ` (${error.code}${error.message ? `: ${error.message}` : ''})` : '';
    switch (response.status) {
      case 401:
        return new PermanentError('WP_UNAUTHORIZED', `${shown} refused an anonymous reader with 401${said}: the site is private, or its REST API is limited to logged-in users. Make its comments public, or use \`kind: feed\` if its comments feed is open`);
      case 403:
        return new PermanentError('WP_FORBIDDEN', `${shown} refused access with 403${said}: the site is private or blocks this reader. Ask the site's owner to allow the User-Agent "Groundswell", or use \`kind: feed\``);
      case 404:
      case 410:
        if (error?.code === 'unknown_blog') return new PermanentError('WP_UNKNOWN_SITE', `WordPress.com has no public site ${this.site.host} (${shown} answered 404 unknown_blog); check the source's url`);
        return restDisabled(this.site, `${shown} answered ${response.status}${said}`);
      default:
        return new PermanentError(response.status === 400 ? 'WP_BAD_REQUEST' : 'WP_HTTP_ERROR', `${shown} answered ${response.status}${said}`);
    }
  }
}

/** A request's address for messages: credentials redacted, and only the query parameters that say which route and page. */
export function shownUrl(raw: string): string {
  const url = new URL(raw);
  for (const key of [...url.searchParams.keys()]) if (key !== 'rest_route' && key !== 'page') url.searchParams.delete(key);
  return redactUrl(url.href).replaceAll('%2F', '/');
}

/** What came back instead of the API index, in a few words: "404", "200 with an HTML page ("…")". */
function describeAnswer(response: HttpResponse): string {
  const text = response.text();
  if (/html/i.test(response.headers.get('content-type') ?? '') || /^\s*</.test(text)) {
    const title = htmlToPlainText(/<title[^>]*>([^<]{1,120})/i.exec(text)?.[1] ?? '');
    return `${response.status} with an HTML page${title ? ` ("${title}")` : ''}`;
  }
  return `${response.status} with something other than the API index`;
}

function restDisabled(site: URL, what: string): PermanentError {
  const base = site.href.replace(/\/+$/, '');
  return new PermanentError(
    'WP_REST_DISABLED',
    `${what}: this site's REST API (or its comments route) is switched off. Use \`kind: feed\` with url ${base}/comments/feed/ (or ${base}/?feed=comments-rss2 on a site without pretty permalinks) instead`,
  );
}

export function isWordPressCom(site: URL): boolean {
  return /(^|\.)wordpress\.com$/i.test(site.hostname) && site.hostname.toLowerCase() !== 'wordpress.com';
}

/** JSON, or a coded error saying what came instead: an HTML page (a host's error page, a login wall) or a broken body. */
export function readJson(response: HttpResponse): unknown {
  const text = response.text();
  const type = response.headers.get('content-type') ?? '';
  const shown = shownUrl(response.url);
  if (/html/i.test(type) || /^\s*</.test(text)) {
    const title = htmlToPlainText(/<title[^>]*>([^<]{1,120})/i.exec(text)?.[1] ?? '');
    throw new PermanentError(
      'WP_NOT_JSON',
      `${shown} answered with an HTML page${title ? ` ("${title}")` : ''} where WordPress's REST API sends JSON: the site may be failing, behind a login or cache page, or not WordPress; nothing was stored`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PermanentError('WP_MALFORMED_PAYLOAD', `${shown} sent JSON that cannot be read (${(error as Error).message}); it may have been cut off. Nothing from it was stored`);
  }
}

function wpError(response: HttpResponse): { code: string; message?: string | undefined } | undefined {
  try {
    const parsed = wpErrorSchema.safeParse(JSON.parse(response.text()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function wpErrorCode(response: HttpResponse): string | undefined {
  return wpError(response)?.code;
}

function advertisedInHtml(response: HttpResponse): string | undefined {
  const text = response.text();
  for (const tag of text.match(/<link\b[^>]*>/gi) ?? []) {
    if (!/\brel\s*=\s*["']?https:\/\/api\.w\.org\/["']?/i.test(tag)) continue;
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const value = (href?.[1] ?? href?.[2])?.replace(/&amp;/g, '&');
    if (!value) continue;
    try {
      return new URL(value, response.url).href;
    } catch {
      continue;
    }
  }
  return undefined;
}

function isApiIndex(response: HttpResponse): boolean {
  try {
    const body = JSON.parse(response.text()) as unknown;
    if (typeof body !== 'object' || body === null) return false;
    const namespaces = (body as { namespaces?: unknown }).namespaces;
    return Array.isArray(namespaces) ? namespaces.includes('wp/v2') : 'routes' in body;
  } catch {
    return false;
  }
}
