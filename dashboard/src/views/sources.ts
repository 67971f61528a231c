import { api, apiPath, csvPath, messageOf } from '../api.js';
import type { CoverageGap, SourceHealth } from '../api-types.js';
import { dataTable, type Column } from '../data-table.js';
import { el, externalLink, internalLink } from '../dom.js';
import { formatDateTime, formatDuration } from '../time.js';
import type { Route } from '../url-state.js';
import { campaignSelect, filterBar, loadCampaignContext } from './campaign-context.js';
import type { MountedView, ViewFactory } from './view.js';

// Sources: is each one collecting, when it ran and runs next, what it fetched, how long rate limits
// held it, what went wrong in plain words, and the stretches with no data (shaded on the charts).

const WEEK_MS = 7 * 86_400_000;

export const sourcesView: ViewFactory = (root): MountedView => {
  const filters = el('div', { className: 'filter-box' });
  const body = el('div', { className: 'sources' });
  const status = el('p', { className: 'status', role: 'status' });
  root.append(el('div', { className: 'view-heading' }, el('h2', {}, 'Sources'), el('p', {}, 'The last 7 days.')), filters, status, body);
  let route: Route | undefined;
  let generation = 0;

  async function load(fresh: boolean): Promise<void> {
    if (!route) return;
    const current = route;
    const mine = (generation += 1);
    try {
      const context = await loadCampaignContext(current.filters.campaign, { fresh });
      if (!context || mine !== generation) return;
      const { detail } = context;
      const timeZone = detail.campaign.timezone;
      filters.replaceChildren(filterBar(campaignSelect(context, { view: 'sources', filters: { campaign: detail.campaign.slug } })));
      const until = new Date();
      const window = { since: new Date(until.getTime() - WEEK_MS).toISOString(), until: until.toISOString() };
      const path = apiPath(`/api/campaigns/${encodeURIComponent(detail.campaign.slug)}/sources`, window);
      const gapsPath = apiPath(`/api/campaigns/${encodeURIComponent(detail.campaign.slug)}/coverage-gaps`, window);
      const data = await api.get<{ items: SourceHealth[] }>(path);
      if (mine !== generation) return;
      const when = (value: string | null) => (value ? formatDateTime(value, timeZone) : 'never');
      const columns: Column<SourceHealth>[] = [
        { label: 'Source', value: (s) => el('span', {}, el('strong', {}, s.slug), ` (${s.kind})`, el('br'), s.target && /^https?:/.test(s.target) ? externalLink(s.target, s.target) : (s.target ?? '')) },
        { label: 'Status', value: (s) => el('span', { className: `status-${s.status}` }, s.statusText) },
        { label: 'Last run', value: (s) => when(s.lastRunAt) },
        { label: 'Last success', value: (s) => when(s.lastSuccessAt) },
        { label: 'Next run', value: (s) => (s.nextRunAt ? formatDateTime(s.nextRunAt, timeZone) : s.enabled ? 'not known' : 'not scheduled') },
        { label: 'Runs (ok / failed / rate-limited)', value: (s) => `${s.runs.total} (${s.runs.succeeded} / ${s.runs.failed} / ${s.runs.rateLimited})`, numeric: true },
        { label: 'Fetched', value: (s) => s.runs.fetched, numeric: true },
        { label: 'New posts', value: (s) => s.runs.newPosts, numeric: true },
        { label: 'Rate-limit waits', value: (s) => (s.runs.rateLimitWaits ? `${s.runs.rateLimitWaits} (${formatDuration(s.runs.rateLimitWaitMs)})` : 'none'), numeric: true },
        {
          label: 'Last error',
          value: (s) =>
            s.lastError
              ? el('details', {}, el('summary', {}, s.lastError.explanation), el('p', { className: 'technical' }, `${s.lastError.code ?? ''} ${s.lastError.message}`), s.lastError.at ? el('p', {}, when(s.lastError.at)) : null)
              : 'none',
        },
      ];
      const gaps = data.items.flatMap((s) => s.coverageGaps);
      const gapColumns: Column<CoverageGap>[] = [
        { label: 'Source', value: (g) => g.source },
        { label: 'From', value: (g) => formatDateTime(g.from, timeZone) },
        { label: 'To', value: (g) => (g.to ? formatDateTime(g.to, timeZone) : 'still going on') },
        { label: 'Why', value: (g) => g.reasons.join(', ') },
        { label: 'Runs', value: (g) => g.runs, numeric: true },
        { label: 'Last error', value: (g) => g.lastError ?? '' },
      ];
      body.replaceChildren(
        el('section', { className: 'card wide', id: 'source-health' }, el('header', {}, el('h3', {}, 'Collection'), el('div', { className: 'card-actions' }, internalLink(csvPath(path), 'Download CSV', { className: 'csv-link' }))), dataTable('Sources and how each is doing', columns, data.items)),
        el(
          'section',
          { className: 'card wide', id: 'coverage-gaps' },
          el('header', {}, el('h3', {}, 'Coverage gaps'), el('div', { className: 'card-actions' }, internalLink(csvPath(gapsPath), 'Download CSV', { className: 'csv-link' }))),
          el('p', { className: 'description' }, 'Stretches when a source kept failing or was held by a rate limit: nothing was collected, so charts shade them rather than show silence.'),
          dataTable('Coverage gaps in the last 7 days', gapColumns, gaps),
        ),
      );
      status.textContent = `Updated ${formatDateTime(Date.now(), timeZone)}.`;
    } catch (error) {
      if (mine === generation) status.textContent = `Could not load the sources: ${messageOf(error)}`;
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
    },
  };
};
