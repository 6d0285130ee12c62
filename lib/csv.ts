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

// Where the reader is: at the start of a field, inside an unquoted one, inside a quoted one, just
// after a quote inside a quoted one (the closing quote, or the first of a doubled pair), just
// after a closing quote, or just after a CR that ended a row (a LF may follow).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;
const AFTER_CLOSING_QUOTE = 4;
const AFTER_CR = 5;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Where an unquoted field ends, or goes wrong. */
const UNQUOTED_END = /[",\r\n]/g;

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
  #state = FIELD_START;
  /** The current field so far, in pieces (joined once it ends: linear, however it was split). */
  #pieces: string[] = [];
  #row: string[] = [];
  /** Rows read so far, for error messages. */
  #rows = 0;

  /** The rows that `chunk` completes. */
  *push(chunk: string): Generator<string[], void, undefined> {
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      switch (this.#state) {
        case AFTER_CR:
          if (chunk.charCodeAt(i) === LF) i += 1;
          this.#state = FIELD_START;
          break;
        case FIELD_START: {
          const c = chunk.charCodeAt(i);
          if (c === QUOTE) {
            this.#state = QUOTED;
            i += 1;
          } else if ((c === LF || c === CR) && this.#row.length === 0) {
            // An empty line: no row.
            this.#state = c === CR ? AFTER_CR : FIELD_START;
            i += 1;
          } else {
            this.#state = UNQUOTED;
          }
          break;
        }
        case UNQUOTED: {
          UNQUOTED_END.lastIndex = i;
          const match = UNQUOTED_END.exec(chunk);
          const stop = match ? match.index : end;
          if (stop > i) this.#pieces.push(chunk.slice(i, stop));
          i = stop;
          if (match) {
            const c = chunk.charCodeAt(stop);
            if (c === QUOTE) throw this.#error('a quote inside an unquoted field');
            if (this.#endField(c)) yield this.#take();
            i = stop + 1;
          }
          break;
        }
        case QUOTED: {
          const quote = chunk.indexOf('"', i);
          const stop = quote === -1 ? end : quote;
          if (stop > i) this.#pieces.push(chunk.slice(i, stop));
          i = stop;
          if (quote !== -1) {
            this.#state = QUOTE_IN_QUOTED;
            i += 1;
          }
          break;
        }
        case QUOTE_IN_QUOTED:
          if (chunk.charCodeAt(i) === QUOTE) {
            this.#pieces.push('"');
            this.#state = QUOTED;
            i += 1;
          } else {
            this.#state = AFTER_CLOSING_QUOTE;
          }
          break;
        case AFTER_CLOSING_QUOTE: {
          const c = chunk.charCodeAt(i);
          if (c !== COMMA && c !== LF && c !== CR) throw this.#error('text after a closing quote');
          if (this.#endField(c)) yield this.#take();
          i += 1;
          break;
        }
      }
    }
  }

  /** The last row, when the text did not end with a line break. */
  *end(): Generator<string[], void, undefined> {
    const state = this.#state;
    this.#state = FIELD_START;
    if (state === QUOTED) throw this.#error('a quoted field that is never closed');
    if (state === UNQUOTED || state === QUOTE_IN_QUOTED || (state === FIELD_START && this.#row.length > 0)) {
      this.#endField(LF);
      yield this.#take();
    }
  }

  /** Ends the current field at `c`, a comma or a line break; true when it ends the row too. */
  #endField(c: number): boolean {
    this.#row.push(this.#pieces.length === 1 ? (this.#pieces[0] ?? '') : this.#pieces.join(''));
    this.#pieces = [];
    this.#state = c === CR ? AFTER_CR : FIELD_START;
    return c !== COMMA;
  }

  #take(): string[] {
    const row = this.#row;
    this.#row = [];
    this.#rows += 1;
    return row;
  }

  #error(problem: string): SyntaxError {
    return new SyntaxError(`CSV row ${this.#rows + 1} is malformed: ${problem}`);
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
