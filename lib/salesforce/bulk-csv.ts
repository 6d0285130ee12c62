import { CSV_JOIN_ROWS } from '../constants.js';
import { csvRow } from '../csv.js';
import type { MergedItem } from '../record-outcome.js';

/** Bulk API 2.0's marker for "set this field to null"; an empty cell leaves the field unchanged. */
export const BULK_NULL = '#N/A';

export interface CsvJobPart {
  items: MergedItem[];
  csv: string;
}

/**
 * Writes merged records as Bulk API 2.0 CSV (LF line ends, comma delimiter, RFC 4180 quoting),
 * split into parts whose size stays under `maxBytes`, one part per job since a job takes a single
 * upload. Columns are the union of the records' fields; a relationship reference such as
 * `{"Account": {"Ext_Id__c": "A1"}}` becomes the column `Account.Ext_Id__c`.
 */
export function toCsvParts(items: readonly MergedItem[], maxBytes: number): CsvJobPart[] {
  const columnSet = new Set<string>();
  for (const item of items) for (const column of Object.keys(flatten(item.record))) columnSet.add(column);
  const columns = [...columnSet];
  const header = csvRow(columns);
  const headerBytes = Buffer.byteLength(header);
  const parts: CsvJobPart[] = [];
  // Lines are joined CSV_JOIN_ROWS at a time: a string per row, kept until the upload, would cost
  // an object per record (150,000 of them in a full job).
  let part: { items: MergedItem[]; chunks: string[]; lines: string[]; bytes: number } | undefined;
  const close = () => {
    if (part) parts.push({ items: part.items, csv: part.chunks.join('') + part.lines.join('') });
  };
  for (const item of items) {
    const row = flatten(item.record);
    const line = csvRow(columns.map((column) => cell(Object.hasOwn(row, column) ? row[column] : undefined)));
    const bytes = Buffer.byteLength(line);
    if (!part || (part.items.length > 0 && part.bytes + bytes > maxBytes)) {
      close();
      part = { items: [], chunks: [header], lines: [], bytes: headerBytes };
    }
    part.items.push(item);
    part.lines.push(line);
    part.bytes += bytes;
    if (part.lines.length >= CSV_JOIN_ROWS) {
      part.chunks.push(part.lines.join(''));
      part.lines = [];
    }
  }
  close();
  return parts;
}

function flatten(record: Record<string, unknown>): Record<string, unknown> {
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

function cell(value: unknown): string {
  if (value === undefined) return '';
  // Salesforce stores an empty text value as null; in Bulk CSV an empty cell would mean "unchanged".
  if (value === null || value === '') return BULK_NULL;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}
