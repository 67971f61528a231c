import { z } from 'zod';

// One CSV serializer for every export (RFC 4180: CRLF line ends, fields quoted when they hold a
// comma, quote or line break, quotes doubled). Nested objects become dotted columns (author.handle);
// lists are joined with ";". Text that a spreadsheet would run as a formula (starting with = + - @,
// or a tab or carriage return) is prefixed with a single quote; numbers, booleans and times come
// from our own typed values and are written as they are, so -3 stays a number.

const FORMULA_START = /^[=+\-@\t\r]/;

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Column names for a row schema: its keys in order, nested objects flattened with dots. */
export function csvColumns(row: z.ZodObject, prefix = ''): string[] {
  return Object.entries(row.shape).flatMap(([key, field]) => {
    const inner = unwrap(field as z.ZodType);
    return inner instanceof z.ZodObject ? csvColumns(inner, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

function valueAt(row: object, column: string): unknown {
  let current: unknown = row;
  for (const key of column.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function protectText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text of one cell, before quoting. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return protectText(value);
  if (Array.isArray(value)) return protectText(value.map((item) => (typeof item === 'string' ? item : item instanceof Date ? item.toISOString() : JSON.stringify(item))).join(';'));
  return protectText(JSON.stringify(value));
}

export function quoteField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line (with its line end). */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map((column) => quoteField(protectText(column))).join(',')}\r\n`;
}

/** Rows without a header, each with its line end: for exports written in batches. */
export function csvRows(columns: readonly string[], rows: readonly object[]): string {
  return rows.map((row) => `${columns.map((column) => quoteField(cellText(valueAt(row, column)))).join(',')}\r\n`).join('');
}

export function toCsv(columns: readonly string[], rows: readonly object[]): string {
  return csvHeader(columns) + csvRows(columns, rows);
}

/**
 * Whether the client asked for CSV over JSON in its Accept header: text/csv must be named, with a
 * weight above an explicit application/json and at least that of a wildcard.
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  let wildcard = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.trim().toLowerCase().split(';');
    const qParameter = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const mediaType = type.trim();
    if (mediaType === 'text/csv') csv = Math.max(csv, q);
    else if (mediaType === 'application/json') json = Math.max(json, q);
    else if (mediaType === 'application/*' || mediaType === '*/*') wildcard = Math.max(wildcard, q);
  }
  return csv > 0 && csv > json && csv >= wildcard;
}
