import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cellText, csvColumns, prefersCsv, quoteField, toCsv } from '../../src/export/csv.js';

/** A strict RFC 4180 reader, to check that what we write reads back exactly. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i += 1;
      } else {
        field += char;
        i += 1;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (char === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      if (char === '"' || char === '\n' || char === '\r') throw new Error(`bare ${JSON.stringify(char)} at ${i}`);
      field += char;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('CSV serializer', () => {
  it('quotes fields holding commas, quotes or line breaks, doubling quotes, with CRLF record ends', () => {
    expect(quoteField('plain')).toBe('plain');
    expect(quoteField('a,b')).toBe('"a,b"');
    expect(quoteField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteField('two\nlines')).toBe('"two\nlines"');
    expect(quoteField('cr\ronly')).toBe('"cr\ronly"');
    expect(toCsv(['a', 'b'], [{ a: 'x,y', b: 1 }, { a: null, b: undefined }])).toBe('a,b\r\n"x,y",1\r\n,\r\n');
  });

  it('prefixes text that a spreadsheet would run as a formula, but not numbers', () => {
    for (const dangerous of ['=1+2', '+44 161', '-2+3', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(cellText(dangerous)).toBe(`'${dangerous}`);
    expect(cellText(-3)).toBe('-3');
    expect(cellText('a=b')).toBe('a=b');
    expect(cellText(['=evil', 'ok'])).toBe("'=evil;ok");
  });

  it('writes times as ISO 8601 UTC, booleans and lists plainly', () => {
    expect(cellText(new Date(Date.UTC(2026, 10, 20, 10)))).toBe('2026-11-20T10:00:00.000Z');
    expect(cellText(true)).toBe('true');
    expect(cellText(['stockport', 'oldham'])).toBe('stockport;oldham');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
  });

  it('takes columns from the row schema, flattening nested objects with dots', () => {
    const row = z.object({ id: z.number(), author: z.object({ handle: z.string(), name: z.string() }).nullable(), tags: z.array(z.string()), at: z.date().optional() });
    expect(csvColumns(row)).toEqual(['id', 'author.handle', 'author.name', 'tags', 'at']);
    expect(toCsv(csvColumns(row), [{ id: 1, author: null, tags: [] }])).toBe('id,author.handle,author.name,tags,at\r\n1,,,,\r\n');
    expect(toCsv(csvColumns(row), [])).toBe('id,author.handle,author.name,tags,at\r\n');
  });

  it('any text reads back exactly (formula prefix aside) through a strict RFC 4180 reader', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string({ unit: 'binary' })), { maxLength: 8 }), (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a, b }));
        const parsed = parseCsv(toCsv(['a', 'b'], rows));
        expect(parsed[0]).toEqual(['a', 'b']);
        expect(parsed.slice(1)).toEqual(rows.map(({ a, b }) => [cellText(a), cellText(b)]));
      }),
    );
  });
});

describe('choosing CSV from the Accept header', () => {
  it.each([
    ['text/csv', true],
    ['text/csv, */*;q=0.8', true],
    ['text/csv, */*', true],
    ['application/json, text/csv;q=0.5', false],
    ['text/csv;q=0.5, application/json', false],
    ['*/*', false],
    ['text/html,application/xhtml+xml,*/*;q=0.8', false],
    [undefined, false],
  ])('%s → CSV: %s', (accept, csv) => {
    expect(prefersCsv(accept)).toBe(csv);
  });
});
