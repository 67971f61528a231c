/**
 * Where a site's REST API lives, and so how a route's URL is written:
 * - `wp-json`: pretty permalinks, `https://site/wp-json/wp/v2/comments?…`
 * - `rest_route`: plain permalinks, `https://site/?rest_route=/wp/v2/comments&…`
 * - `wpcom`: WordPress.com's public API for one site, `https://public-api.wordpress.com/wp/v2/sites/{site}/comments?…`
 */
export type ApiRoot = { kind: 'wp-json'; root: string } | { kind: 'rest_route'; root: string } | { kind: 'wpcom'; root: string };

/** The API root a site advertises (`Link: <…>; rel="https://api.w.org/"`), read as one of the forms above. */
export function apiRootFromAdvertised(href: string): ApiRoot {
  const url = new URL(href);
  if (url.searchParams.has('rest_route')) {
    url.searchParams.delete('rest_route');
    return { kind: 'rest_route', root: url.href };
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  url.search = '';
  return { kind: 'wp-json', root: url.href };
}

/** A wp/v2 route (e.g. "/wp/v2/comments") with its query, in the API's form. */
export function routeUrl(api: ApiRoot, route: string, params: Record<string, string> = {}): string {
  switch (api.kind) {
    case 'wp-json': {
      const url = new URL(route.replace(/^\//, ''), api.root);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.href;
    }
    case 'rest_route': {
      const url = new URL(api.root);
      url.searchParams.set('rest_route', route);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.href;
    }
    case 'wpcom': {
      const url = new URL(`${api.root}${route.replace(/^\/wp\/v2/, '')}`);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.href;
    }
  }
}
