import { el } from './dom.js';

// Every chart's numbers as a table too: for screen readers, for copying, and to check a reading.

export interface Column<R> {
  label: string;
  value(row: R): string | number | null | undefined | Node;
  /** Right-aligned numbers. */
  numeric?: boolean;
}

export function dataTable<R>(caption: string, columns: readonly Column<R>[], rows: readonly R[]): HTMLTableElement {
  const head = el('tr', {}, ...columns.map((column) => el('th', { className: column.numeric ? 'num' : '' }, column.label)));
  for (const th of head.children) th.setAttribute('scope', 'col');
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    for (const column of columns) {
      const value = column.value(row);
      tr.appendChild(el('td', { className: column.numeric ? 'num' : '' }, value === null || value === undefined ? '' : value instanceof Node ? value : String(value)));
    }
    body.appendChild(tr);
  }
  if (rows.length === 0) {
    const cell = el('td', { className: 'empty' }, 'Nothing in this window.');
    cell.colSpan = columns.length;
    body.appendChild(el('tr', {}, cell));
  }
  return el('table', { className: 'data-table' }, el('caption', {}, caption), el('thead', {}, head), body);
}

/** Numbers as the API gives them: whole numbers as they are, others to 2 decimals. */
export const num = (value: number | null | undefined): string => (value === null || value === undefined ? '' : Number.isInteger(value) ? String(value) : value.toFixed(2));
