// Which view and which filters are shown live in the URL's hash (#/launch?campaign=hsm&launch=primer
// &locality=stockport…), so a view can be bookmarked and shared, and Back goes to the previous one.

export const VIEWS = ['launch', 'compare', 'sources', 'admin'] as const;
export type View = (typeof VIEWS)[number];

export interface Filters {
  campaign?: string;
  launch?: string;
  /** A locality slug, or "unattributed". */
  locality?: string;
  source?: string;
  before?: string;
  after?: string;
  bucket?: string;
  cumulative?: string;
  /** Compare: launch slugs, comma-separated; and the measure shown. */
  launches?: string;
  metric?: string;
}

export const FILTER_KEYS: readonly (keyof Filters)[] = ['campaign', 'launch', 'locality', 'source', 'before', 'after', 'bucket', 'cumulative', 'launches', 'metric'];

export interface Route {
  view: View;
  filters: Filters;
}

const SLUGGISH = /^[a-z0-9][a-z0-9,-]{0,500}$/;

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const name = path.replace(/^\//, '');
  const view = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'launch';
  const params = new URLSearchParams(query);
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    // Anything else would be refused by the API anyway; dropping it keeps odd links harmless.
    if (value !== null && SLUGGISH.test(value)) filters[key] = value;
  }
  return { view, filters };
}

export function formatHash(route: Route): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = route.filters[key];
    if (value) params.set(key, value);
  }
  const query = params.toString().replaceAll('%2C', ',');
  return `#/${route.view}${query ? `?${query}` : ''}`;
}

export const currentRoute = () => parseHash(window.location.hash);

/** Shows another view or other filters: a new history entry, and a hashchange that re-renders. */
export function navigate(route: Route): void {
  const hash = formatHash(route);
  if (hash !== window.location.hash) window.location.hash = hash;
}

export function withFilters(route: Route, changes: Partial<Filters>): Route {
  const filters: Filters = { ...route.filters };
  for (const [key, value] of Object.entries(changes) as [keyof Filters, string | undefined][]) {
    if (value === undefined || value === '') delete filters[key];
    else filters[key] = value;
  }
  return { view: route.view, filters };
}
