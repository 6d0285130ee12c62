import { parse, type CsvError, type Info } from 'csv-parse';
import { pipeline, Readable } from 'node:stream';
import { SourceReadError } from '../../errors.js';
import { foreignCause } from './limits.js';
import { recordTooLarge } from './record-limits.js';
import type { RecordLimits, SourceEntry } from './types.js';

/**
 * CSV with a header row (RFC 4180, UTF-8, an optional BOM), read with csv-parse's streaming
 * parser: one entry per row, `row N` numbering records as a spreadsheet does, the header being
 * row 1. Values are strings; an empty cell is left out of the record, so the field is not
 * written (as in Bulk API CSV, where an empty value leaves a field unchanged). A row with more
 * or fewer cells than the header is an entry with its error; a header with an empty, repeated
 * or `__proto__` name, broken quoting, and a row over the record limit stop the read. In batches,
 * as the other formats' readers give them; csv-parse hands rows over one at a time, so each batch
 * is one row.
 */
export async function* csvBatches(
  bytes: AsyncIterable<Uint8Array>,
  limits: RecordLimits & { label: string },
): AsyncGenerator<SourceEntry[]> {
  const parser = pipeline(
    Readable.from(bytes, { objectMode: false }),
    parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // Characters, not bytes: bounds the parser's buffer; the byte size is checked per row below.
      max_record_size: limits.maxRecordBytes,
    }),
    () => undefined,
  );
  let header: string[] | undefined;
  let bytesBefore = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const row = info.records;
      if (info.bytes - bytesBefore > limits.maxRecordBytes) {
        throw recordTooLarge(limits.label, `row ${row}`, limits.maxRecordBytes);
      }
      bytesBefore = info.bytes;
      if (!header) {
        header = checkedHeader(record, limits.label);
        continue;
      }
      const ref = `row ${row}`;
      if (record.length !== header.length) {
        yield [
          {
            ref,
            code: 'INVALID_CSV',
            error: `has ${record.length} cells where the header has ${header.length}`,
          },
        ];
        continue;
      }
      const value: Record<string, string> = {};
      header.forEach((name, i) => {
        const cell = record[i];
        if (cell !== undefined && cell !== '') value[name] = cell;
      });
      yield [{ ref, value }];
    }
  } catch (error) {
    throw csvFailure(error, limits);
  } finally {
    parser.destroy();
  }
}

function checkedHeader(names: string[], label: string): string[] {
  const problem = names.some((n) => n.trim() === '')
    ? 'an empty column name'
    : names.includes('__proto__')
      ? 'a "__proto__" column, which is not allowed'
      : new Set(names).size !== names.length
        ? 'a repeated column name'
        : undefined;
  if (problem) throw new SourceReadError(`Sync source ${label} has a CSV header with ${problem}`);
  return names;
}

/** A csv-parse error as a SourceReadError naming its code and line; its message quotes the source. */
function csvFailure(error: unknown, limits: RecordLimits & { label: string }): unknown {
  if (error instanceof SourceReadError) return error;
  const { code, lines } = error as Partial<CsvError> & { lines?: number };
  if (typeof code !== 'string' || !code.startsWith('CSV_')) return error;
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return recordTooLarge(limits.label, `the row at line ${lines ?? '?'}`, limits.maxRecordBytes);
  }
  return new SourceReadError(
    `Sync source ${limits.label} is not valid CSV (${code} at line ${lines ?? '?'}); reading stopped`,
    undefined,
    { cause: foreignCause(error) },
  );
}
