// Property-based tests of lib/csv.ts (the RFC 4180 row writer and the chunk-fed reader), with
// csv-stringify and csv-parse, the libraries they replace, as oracles.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, csvRow } from '../../lib/csv.js';
import { hostileText } from './support.js';
import { numRuns } from './runs.js';

/** csv-stringify set up to quote exactly what csvRow quotes: any CR or LF (it quotes only its own line end), and blanks at either end. */
const stringifyOracle = (rows: string[][], recordDelimiter: 'unix' | 'windows' = 'unix', quoted = false) =>
  stringify(rows, {
    eof: true,
    record_delimiter: recordDelimiter,
    quoted,
    quoted_match: [/^\s|\s$/, /[\r\n]/],
  });

/** csv-parse reading what CsvReader reads: LF, CRLF or CR line ends, empty lines skipped. */
const parseOracle = (text: string): string[][] => {
  const rows: unknown = parse(text, {
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  return rows as string[][];
};

/** Every row of `text`, fed to a CsvReader in the chunks that `cuts` (offsets) make. */
function read(text: string, cuts: readonly number[] = []): string[][] {
  const reader = new CsvReader();
  const rows: string[][] = [];
  let from = 0;
  for (const cut of [...[...cuts].sort((a, b) => a - b), text.length]) {
    for (const row of reader.push(text.slice(from, cut))) rows.push(row);
    from = cut;
  }
  for (const row of reader.end()) rows.push(row);
  return rows;
}

/** The outcome of a parse: its rows, or that it threw. */
function outcome(parser: () => string[][]): string[][] | 'malformed' {
  try {
    return parser();
  } catch {
    return 'malformed';
  }
}

const field = fc.oneof(
  { weight: 4, arbitrary: hostileText(20) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '"', '""', ',', '\r', '\n', '\r\n', '#N/A') },
);

/** Rows of one width (at least 2, so that no row is an empty line), as a Bulk CSV has. */
const table = fc
  .integer({ min: 2, max: 6 })
  .chain((width) =>
    fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 20 }),
  );

/** Offsets to split a text of `length` characters at. */
const cutsOf = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 12 });

describe('csvRow', () => {
  it('writes what csv-stringify writes, quoting only where needed', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (fields) => {
        expect(csvRow(fields)).toBe(stringifyOracle([fields]));
      }),
      { numRuns: numRuns(500) },
    );
    expect(csvRow(['a', ' b', 'c,d', 'e"f', '', '#N/A'])).toBe('a," b","c,d","e""f",,#N/A\n');
  });

  it('rows parse back (csv-parse) to exactly the fields written', () => {
    fc.assert(
      fc.property(table, (rows) => {
        expect(parseOracle(rows.map(csvRow).join(''))).toEqual(rows);
      }),
      { numRuns: numRuns(300) },
    );
  });
});

describe('CsvReader', () => {
  it('reads what csv-stringify writes (LF or CRLF, quoted where needed or everywhere), however the text is split', () => {
    fc.assert(
      fc.property(
        table,
        fc.constantFrom('unix' as const, 'windows' as const),
        fc.boolean(),
        fc.integer({ min: 0, max: 1_000 }),
        (rows, eol, quoted, seed) => {
          const text = stringifyOracle(rows, eol, quoted);
          const cuts = fc.sample(cutsOf(text.length), { numRuns: 1, seed })[0] ?? [];
          expect(read(text, cuts)).toEqual(rows);
        },
      ),
      { numRuns: numRuns(300) },
    );
  });

  it('agrees with csv-parse on any text of CSV-significant characters: the same rows, or both refuse it', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\r', '\n'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 1_000 }), (csv, seed) => {
        const cuts = fc.sample(cutsOf(csv.length), { numRuns: 1, seed })[0] ?? [];
        expect(outcome(() => read(csv, cuts))).toEqual(outcome(() => parseOracle(csv)));
      }),
      { numRuns: numRuns(2_000) },
    );
  });

  it('reads one character at a time as it reads the whole', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const text = stringifyOracle(rows);
        expect(
          read(
            text,
            Array.from({ length: text.length }, (_, i) => i),
          ),
        ).toEqual(rows);
      }),
      { numRuns: numRuns(100) },
    );
  });

  it('reads megabyte fields, of text or of doubled quotes, whole', () => {
    const text = 'x'.repeat(1_000_000);
    const quotes = '"'.repeat(1_000_000);
    const csv = stringifyOracle([
      [text, quotes],
      ['a', `${quotes},\n${text}`],
    ]);
    expect(read(csv)).toEqual([
      [text, quotes],
      ['a', `${quotes},\n${text}`],
    ]);
    // The same, in 4 KB chunks: a field's pieces are joined once, not copied chunk after chunk.
    const cuts = Array.from({ length: Math.floor(csv.length / 4_096) }, (_, i) => (i + 1) * 4_096);
    expect(read(csv, cuts)).toEqual([
      [text, quotes],
      ['a', `${quotes},\n${text}`],
    ]);
  });

  it('names the row of malformed input, never its content', () => {
    const secret = 'SECRET-CELL-VALUE';
    expect(() => read(`a,b\n${secret}"x,y\n`)).toThrow(
      /^CSV row 2 is malformed: a quote inside an unquoted field$/,
    );
    expect(() => read(`"${secret}"x\n`)).toThrow(/^CSV row 1 is malformed: text after a closing quote$/);
    expect(() => read(`a\n"${secret}`)).toThrow(
      /^CSV row 2 is malformed: a quoted field that is never closed$/,
    );
  });
});
