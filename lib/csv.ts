/**
 * RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180): one row written, and rows read from text
 * fed in chunks. Hand-written rather than a library so that a caller's bundle stays small (issue
 * 10's 25 KB budget); test/fuzz/csv.test.ts checks both against csv-stringify and csv-parse.
 */

/**
 * Fields that must be quoted: a comma, a quote, CR or LF anywhere, or a blank at either end
 * (which a reader that trims, as Salesforce may, would otherwise lose).
 */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV row, LF-terminated: fields quoted only where they need it, quotes inside doubled. */
export function csvRow(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i] ?? '';
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return `${line}\n`;
}

/**
 * Reads CSV rows from text fed in chunks of any size, split anywhere (inside a quoted field,
 * between a quote and its double, between CR and LF): `push` yields the rows each chunk completes,
 * `end` the last one. Rows end with LF, CRLF or CR outside quotes; quoted fields may hold commas,
 * doubled quotes and line breaks; empty lines are skipped. Time is linear in the input and memory
 * holds one row. Malformed input (a quote inside an unquoted field, text after a closing quote,
 * an unclosed quote) throws a SyntaxError that names the row, never its content.
 *
 * @example
 * ```ts
 * const reader = new CsvReader();
 * for (const chunk of chunks) for (const row of reader.push(chunk)) use(row);
 * for (const row of reader.end()) use(row);
 * ```
 */
export class CsvReader {
  /** The row so far, in pieces (joined once it ends: linear, however it was split). */
  #pieces: string[] = [];
  /** Inside quotes: an odd number of quotes so far in the row. A line break in quotes is text. */
  #quoted = false;
  /** Rows read so far, for error messages. */
  #rows = 0;

  /** The rows that `chunk` completes. */
  *push(chunk: string): Generator<string[], void, undefined> {
    // Only a row's end is found here, by the quotes' parity; the row is then split in one pass.
    // A CRLF is a row's end followed by an empty line, which is skipped.
    const special = /["\r\n]/g;
    let from = 0;
    for (let match; (match = special.exec(chunk));) {
      if (match[0] === '"') this.#quoted = !this.#quoted;
      else if (!this.#quoted) {
        this.#pieces.push(chunk.slice(from, match.index));
        from = match.index + 1;
        yield* this.#take();
      }
    }
    this.#pieces.push(chunk.slice(from));
  }

  /** The last row, when the text did not end with a line break. */
  *end(): Generator<string[], void, undefined> {
    // Text left inside quotes is never a row: taking it throws.
    yield* this.#take();
  }

  /** The row in `#pieces`, split into fields, unless it is an empty line. */
  *#take(): Generator<string[], void, undefined> {
    const line = this.#pieces.join('');
    this.#pieces = [];
    if (line === '') return;
    this.#rows += 1;
    const fields: string[] = [];
    for (let i = 0; ; i += 1) {
      if (line[i] === '"') {
        // The closing quote is the first one not doubled.
        let close = line.indexOf('"', i + 1);
        while (close >= 0 && line[close + 1] === '"') close = line.indexOf('"', close + 2);
        if (close < 0) throw this.#error('a quoted field that is never closed');
        fields.push(line.slice(i + 1, close).replaceAll('""', '"'));
        i = close + 1;
        if (i < line.length && line[i] !== ',') throw this.#error('text after a closing quote');
      } else {
        const comma = line.indexOf(',', i);
        const field = line.slice(i, comma < 0 ? line.length : comma);
        if (field.includes('"')) throw this.#error('a quote inside an unquoted field');
        fields.push(field);
        i += field.length;
      }
      if (i >= line.length) return yield fields;
    }
  }

  #error(problem: string): SyntaxError {
    return new SyntaxError(`CSV row ${this.#rows} is malformed: ${problem}`);
  }
}

/**
 * The rows of a CSV stream as records of the named columns only (others are dropped as they are
 * read): one row in memory at a time. A row whose width differs from the header's, or malformed
 * CSV, throws a SyntaxError naming the row, never its content.
 */
export async function* csvRecords(
  source: AsyncIterable<Uint8Array | string> | Iterable<string>,
  columns: readonly string[],
): AsyncGenerator<Record<string, string>> {
  const reader = new CsvReader();
  const decoder = new TextDecoder();
  let width = -1;
  let kept: [name: string, index: number][] = [];
  let rows = 0;
  function* records(completed: Iterable<string[]>): Generator<Record<string, string>> {
    for (const row of completed) {
      rows += 1;
      if (width < 0) {
        width = row.length;
        kept = columns.flatMap((name): [string, number][] => {
          const index = row.indexOf(name);
          return index < 0 ? [] : [[name, index]];
        });
        continue;
      }
      if (row.length !== width) {
        throw new SyntaxError(`CSV row ${rows} has ${row.length} fields under a header of ${width}`);
      }
      const record: Record<string, string> = {};
      for (const [name, index] of kept) record[name] = row[index] ?? '';
      yield record;
    }
  }
  for await (const chunk of source) {
    yield* records(reader.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })));
  }
  yield* records(reader.push(decoder.decode()));
  yield* records(reader.end());
}
