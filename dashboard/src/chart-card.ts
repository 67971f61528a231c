import { csvPath } from './api.js';
import { ChartView } from './chart-view.js';
import { button, clear, el, internalLink } from './dom.js';

// A card holds one chart (or a figure), its data table, its CSV link and what went wrong, if anything.
// The table is hidden until asked for; it is rebuilt with every refresh, like the chart.

export interface Card {
  element: HTMLElement;
  chart: ChartView;
  setTable(table: HTMLTableElement): void;
  setCsv(apiPath: string): void;
  setNote(text: string | null): void;
  setError(text: string | null): void;
  /** Content shown above the table (figures, lists). */
  setBody(node: Node | null): void;
  destroy(): void;
}

export function chartCard(id: string, title: string, description: string, options: { tall?: boolean; chart?: boolean } = {}): Card {
  const canvas = el('canvas', { aria: { label: `${title}: chart. The same numbers are in the data table.` }, role: 'img' });
  const chartBox = el('div', { className: options.tall ? 'chart-box tall' : 'chart-box' }, canvas);
  // Cards without a chart show their table all the time: it is the content.
  const tableOnly = options.chart === false;
  const tableBox = el('div', { className: 'table-box', hidden: !tableOnly, id: `${id}-table` });
  const bodyBox = el('div', { className: 'card-body' });
  const csv = internalLink('#', 'Download CSV', { className: 'csv-link', data: { csv: id } });
  csv.setAttribute('download', '');
  const toggle = button('Show data table', () => {
    tableBox.hidden = !tableBox.hidden;
    toggle.textContent = tableBox.hidden ? 'Show data table' : 'Hide data table';
    toggle.setAttribute('aria-expanded', String(!tableBox.hidden));
  }, { className: 'link-button', aria: { controls: `${id}-table`, expanded: 'false' }, data: { toggle: id }, hidden: tableOnly });
  const note = el('p', { className: 'note', hidden: true });
  const error = el('p', { className: 'error', hidden: true, role: 'alert' });
  const element = el(
    'section',
    { className: 'card', id, data: { card: id } },
    el('header', {}, el('h3', {}, title), el('div', { className: 'card-actions' }, toggle, csv)),
    el('p', { className: 'description' }, description),
    error,
    tableOnly ? null : chartBox,
    bodyBox,
    note,
    tableBox,
  );
  const chart = new ChartView(canvas);
  return {
    element,
    chart,
    setTable(table) {
      clear(tableBox);
      tableBox.appendChild(table);
    },
    setCsv(apiPath) {
      csv.href = csvPath(apiPath);
    },
    setNote(text) {
      note.hidden = !text;
      note.textContent = text ?? '';
    },
    setError(text) {
      error.hidden = !text;
      error.textContent = text ?? '';
      element.classList.toggle('failed', Boolean(text));
    },
    setBody(node) {
      clear(bodyBox);
      if (node) bodyBox.appendChild(node);
    },
    destroy: () => chart.destroy(),
  };
}
