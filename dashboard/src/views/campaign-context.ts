import { api } from '../api.js';
import type { CampaignDetail, CampaignListItem, Launch } from '../api-types.js';
import { el, field, select } from '../dom.js';
import { navigate, withFilters, type Route } from '../url-state.js';

// Every view works within one campaign; which one is in the URL (or the first, by default).

export interface CampaignContext {
  campaigns: CampaignListItem[];
  detail: CampaignDetail;
}

let campaignsCache: Promise<CampaignListItem[]> | undefined;

const detailPath = (slug: string) => `/api/campaigns/${encodeURIComponent(slug)}`;

export async function loadCampaignContext(requested: string | undefined, options: { fresh?: boolean } = {}): Promise<CampaignContext | undefined> {
  if (!campaignsCache || options.fresh) campaignsCache = api.get<{ items: CampaignListItem[] }>('/api/campaigns').then((body) => body.items);
  // The campaign named in the URL is asked for alongside the list: one round trip less before the first chart.
  const early = requested ? api.get<CampaignDetail>(detailPath(requested)).catch(() => undefined) : undefined;
  let campaigns: CampaignListItem[];
  try {
    campaigns = await campaignsCache;
  } catch (error) {
    campaignsCache = undefined;
    throw error;
  }
  const chosen = campaigns.find((campaign) => campaign.slug === requested) ?? campaigns.find((campaign) => campaign.enabled) ?? campaigns[0];
  if (!chosen) return undefined;
  const detail = (chosen.slug === requested ? await early : undefined) ?? (await api.get<CampaignDetail>(detailPath(chosen.slug)));
  return { campaigns, detail };
}

/** The launch in the URL, else the latest launch that has happened, else the first. */
export function defaultLaunch(launches: readonly Launch[], requested: string | undefined, now = Date.now()): Launch | undefined {
  const enabled = launches.filter((launch) => launch.enabled);
  return (
    launches.find((launch) => launch.slug === requested) ??
    [...enabled].reverse().find((launch) => Date.parse(launch.at) <= now) ??
    enabled[0] ??
    launches[0]
  );
}

export function campaignSelect(context: CampaignContext, route: Route, reset: (keyof Route['filters'])[] = []): HTMLElement {
  const control = select(
    context.campaigns.map((campaign) => ({ value: campaign.slug, label: campaign.name })),
    context.detail.campaign.slug,
    { name: 'campaign', data: { filter: 'campaign' } },
  );
  control.addEventListener('change', () => navigate(withFilters(route, { campaign: control.value, ...Object.fromEntries(reset.map((key) => [key, undefined])) })));
  return field('Campaign', control);
}

export const WINDOW_PRESETS = [
  { before: '2', after: '5', label: '2 days before, 5 after' },
  { before: '7', after: '14', label: '7 days before, 14 after' },
  { before: '14', after: '28', label: '14 days before, 28 after' },
  { before: '28', after: '56', label: '28 days before, 56 after' },
  { before: '90', after: '90', label: '90 days before, 90 after' },
];

export function windowSelect(route: Route, before: number, after: number): HTMLElement {
  const current = `${before}/${after}`;
  const options = WINDOW_PRESETS.map((preset) => ({ value: `${preset.before}/${preset.after}`, label: preset.label }));
  if (!options.some((option) => option.value === current)) options.push({ value: current, label: `${before} days before, ${after} after` });
  const control = select(options, current, { name: 'window', data: { filter: 'window' } });
  control.addEventListener('change', () => {
    const [b, a] = control.value.split('/');
    navigate(withFilters(route, { before: b, after: a }));
  });
  return field('Window', control);
}

export function bucketSelect(route: Route, requested: string | undefined): HTMLElement {
  const control = select(
    [
      { value: '', label: 'Automatic' },
      { value: 'hour', label: 'Hourly' },
      { value: 'day', label: 'Daily' },
    ],
    requested ?? '',
    { name: 'bucket', data: { filter: 'bucket' } },
  );
  control.addEventListener('change', () => navigate(withFilters(route, { bucket: control.value || undefined })));
  return field('Bucket', control);
}

export function cumulativeToggle(route: Route): HTMLElement {
  const box = el('input', { type: 'checkbox', name: 'cumulative', data: { filter: 'cumulative' }, checked: route.filters.cumulative === '1' });
  box.addEventListener('change', () => navigate(withFilters(route, { cumulative: box.checked ? '1' : undefined })));
  return el('label', { className: 'field checkbox' }, box, el('span', {}, 'Running totals'));
}

export function filterBar(...fields: HTMLElement[]): HTMLFormElement {
  const form = el('form', { className: 'filters', role: 'search', aria: { label: 'Filters' } }, ...fields);
  // Every control applies itself on change; Enter must not reload the page.
  form.addEventListener('submit', (event) => event.preventDefault());
  return form;
}
