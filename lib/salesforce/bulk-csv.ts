import { stringify } from 'csv-stringify/sync';
import { CSV_STRINGIFY_BATCH_ROWS } from '../constants.js';
import type { MergedItem } from '../record-outcome.js';

/** Bulk API 2.0's marker for "set this field to null"; an empty cell leaves the field unchanged. */
export const BULK_NULL = '#N/A';

export interface CsvJobPart {
  items: MergedItem[];
  csv: string;
}

/**
 * Writes merged records as Bulk API 2.0 CSV (LF line ends, comma delimiter, RFC 4180 quoting by
 * csv-stringify), split into parts whose size stays under `maxBytes`, one part per job since a
 * job takes a single upload. Columns are the union of the records' fields; a relationship
 * reference such as `{"Account": {"Ext_Id__c": "A1"}}` becomes the column `Account.Ext_Id__c`.
 */
export function toCsvParts(items: readonly MergedItem[], maxBytes: number): CsvJobPart[] {
  const columnSet = new Set<string>();
  for (const item of items) for (const column of Object.keys(flatten(item.record))) columnSet.add(column);
  const columns = [...columnSet];
  const header = stringify([columns], { eof: true, record_delimiter: 'unix' });
  // Rows are grouped by an upper bound of their CSV size (every byte doubled by quoting, plus
  // quotes and separators), which keeps every part under the limit without measuring each line,
  // and are written CSV_STRINGIFY_BATCH_ROWS at a time: far cheaper than a stringify call per row, while
  // only that many rows of cells exist at once.
  const parts: CsvJobPart[] = [];
  let part: { items: MergedItem[]; chunks: string[]; pending: string[][]; bound: number } | undefined;
  const drain = () => {
    if (part?.pending.length) part.chunks.push(stringify(part.pending, STRINGIFY_OPTIONS));
    if (part) part.pending = [];
  };
  const close = () => {
    drain();
    if (part) parts.push({ items: part.items, csv: header + part.chunks.join('') });
  };
  for (const item of items) {
    const row = flatten(item.record);
    const cells = columns.map((column) => cell(Object.hasOwn(row, column) ? row[column] : undefined));
    const bound = cells.reduce((sum, value) => sum + 2 * Buffer.byteLength(value) + 3, 1);
    if (!part || (part.items.length > 0 && part.bound + bound > maxBytes)) {
      close();
      part = { items: [], chunks: [], pending: [], bound: Buffer.byteLength(header) };
    }
    part.items.push(item);
    part.pending.push(cells);
    part.bound += bound;
    if (part.pending.length >= CSV_STRINGIFY_BATCH_ROWS) drain();
  }
  close();
  return parts;
}

const STRINGIFY_OPTIONS = { eof: true, record_delimiter: 'unix', quoted_match: /^\s|\s$/ } as const;

/** A record's cells by column: a relationship reference `{"Account": {"Ext_Id__c": "A1"}}` becomes `Account.Ext_Id__c`. */
export function flatten(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) out[`${key}.${inner}`] = innerValue;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A value as Bulk CSV text: absent is empty (unchanged), null and '' are `#N/A` (set to null). */
export function cell(value: unknown): string {
  if (value === undefined) return '';
  // Salesforce stores an empty text value as null; in Bulk CSV an empty cell would mean "unchanged".
  if (value === null || value === '') return BULK_NULL;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

/** One CSV line, every field quoted (RFC 4180: quotes doubled), so no value can break a row. */
export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += `${i ? ',' : ''}"${(cells[i] ?? '').replaceAll('"', '""')}"`;
  return `${line}\n`;
}
