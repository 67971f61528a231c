import { api, apiPath, messageOf } from '../api.js';
import type { LaunchComparison } from '../api-types.js';
import { chartCard } from '../chart-card.js';
import { comparedLaunchLabel, comparisonChart, MEASURE_LABELS, measurePoints, type Measure } from '../charts.js';
import { dataTable } from '../data-table.js';
import { el, field, select } from '../dom.js';
import { formatDay, formatOffset } from '../time.js';
import { navigate, withFilters, type Route } from '../url-state.js';
import { bucketCell, windowProgress } from '../window-progress.js';
import { bucketSelect, campaignSelect, cumulativeToggle, filterBar, loadCampaignContext, windowSelect } from './campaign-context.js';
import type { MountedView, ViewFactory } from './view.js';

// Compare launches: each launch's curve over the same window around it, overlaid at t = 0.

const MEASURES = Object.keys(MEASURE_LABELS) as Measure[];
const MAX_COMPARED = 10;

export const compareView: ViewFactory = (root): MountedView => {
  const filters = el('div', { className: 'filter-box' });
  const picker = el('fieldset', { className: 'launch-picker' });
  const card = chartCard('compare-chart', 'Launches overlaid at t = 0', 'The same window around each launch; x is time from that launch.', { tall: true });
  const status = el('p', { className: 'status', role: 'status' });
  root.append(el('div', { className: 'view-heading' }, el('h2', {}, 'Compare launches')), filters, picker, status, el('div', { className: 'cards single' }, card.element));
  let route: Route | undefined;
  let generation = 0;

  async function load(fresh: boolean): Promise<void> {
    if (!route) return;
    const current = route;
    const mine = (generation += 1);
    let context;
    try {
      context = await loadCampaignContext(current.filters.campaign, { fresh });
    } catch (error) {
      status.textContent = `Could not load the campaign: ${messageOf(error)}`;
      return;
    }
    if (mine !== generation || !context) return;
    const { detail } = context;
    const timeZone = detail.campaign.timezone;
    const available = detail.launches.filter((launch) => launch.enabled);
    const requested = (current.filters.launches ?? '').split(',').filter((slug) => available.some((launch) => launch.slug === slug));
    const chosen = requested.length > 0 ? requested : available.slice(-3).map((launch) => launch.slug);
    const measure = (MEASURES as string[]).includes(current.filters.metric ?? '') ? (current.filters.metric as Measure) : 'engagement';
    const cumulative = current.filters.cumulative === '1';
    const before = Number(current.filters.before ?? 2);
    const after = Number(current.filters.after ?? 5);
    const bucket = current.filters.bucket === 'hour' || current.filters.bucket === 'day' ? current.filters.bucket : undefined;
    const filterRoute: Route = { view: 'compare', filters: { ...current.filters, campaign: detail.campaign.slug, launches: chosen.join(','), before: String(before), after: String(after) } };

    const measureControl = select(MEASURES.map((value) => ({ value, label: MEASURE_LABELS[value] })), measure, { name: 'metric', data: { filter: 'metric' } });
    measureControl.addEventListener('change', () => navigate(withFilters(filterRoute, { metric: measureControl.value })));
    filters.replaceChildren(
      filterBar(campaignSelect(context, filterRoute, ['launches']), field('Measure', measureControl), windowSelect(filterRoute, before, after), bucketSelect(filterRoute, bucket), cumulativeToggle(filterRoute)),
    );
    picker.replaceChildren(
      el('legend', {}, `Launches (up to ${MAX_COMPARED})`),
      ...available.map((launch) => {
        const box = el('input', { type: 'checkbox', name: 'launches', value: launch.slug, checked: chosen.includes(launch.slug), data: { launch: launch.slug } });
        box.addEventListener('change', () => {
          const next = box.checked ? [...chosen, launch.slug].slice(-MAX_COMPARED) : chosen.filter((slug) => slug !== launch.slug);
          navigate(withFilters(filterRoute, { launches: next.join(',') || undefined }));
        });
        return el('label', { className: 'checkbox' }, box, ` ${launch.title} (${formatDay(launch.at, timeZone)})`);
      }),
    );
    if (chosen.length === 0) {
      status.textContent = 'Pick at least one launch.';
      return;
    }
    const path = apiPath(`/api/campaigns/${encodeURIComponent(detail.campaign.slug)}/compare`, { launches: chosen.join(','), before, after, bucket });
    card.setCsv(path);
    status.textContent = 'Loading…';
    try {
      const data = await api.get<LaunchComparison>(path);
      if (mine !== generation) return;
      card.setError(null);
      card.chart.render(comparisonChart(data, measure, cumulative));
      const compared = data.launches.map((launch) => ({ launch, progress: windowProgress(launch.window, launch.at) }));
      card.setTable(
        dataTable(`${MEASURE_LABELS[measure]} by ${data.bucket}, launches overlaid`, [
          { label: 'From launch', value: (i: number) => formatOffset(data.t[i] ?? 0) },
          ...compared.map(({ launch, progress }) => ({
            label: comparedLaunchLabel(launch, progress),
            value: (i: number) => bucketCell(measurePoints(launch.metrics, measure, cumulative), i, progress),
            numeric: true,
          })),
        ], data.t.map((_, index) => index)),
      );
      card.setNote(
        compared.some(({ progress }) => progress.started < data.t.length)
          ? 'Each launch’s line stops at “now” (a dashed line in its colour): nothing after that has happened yet, and the table shows – there.'
          : null,
      );
      status.textContent = '';
    } catch (error) {
      if (mine === generation) card.setError(`Could not load this: ${messageOf(error)}`);
      status.textContent = '';
    }
  }

  return {
    async update(next) {
      route = next;
      await load(false);
    },
    refresh: () => load(true),
    destroy() {
      generation += 1;
      card.destroy();
    },
  };
};
