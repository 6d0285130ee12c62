import { csvRow } from '../csv.js';

/** Bulk API 2.0's marker for "set this field to null"; an empty cell leaves the field unchanged. */
export const BULK_NULL = '#N/A';

/**
 * Whether a record holds a relationship reference, i.e. whether {@link flatten} would change it
 * (the same test as flatten's, which keeps its own inline: a caller's bundle carries flatten and is
 * counted in bytes; this one stays out of it).
 */
export function hasNested(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) {
    const value = record[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return true;
  }
  return false;
}

/**
 * A record's cells by column name: a relationship reference such as
 * `{"Account": {"Ext_Id__c": "A1"}}` becomes the column `Account.Ext_Id__c`.
 */
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

/** A value as Bulk CSV text: absent is empty (unchanged); null and '' are `#N/A` (set to null). */
export function cell(value: unknown): string {
  if (value === undefined) return '';
  // Salesforce stores an empty text value as null; in Bulk CSV an empty cell would mean "unchanged".
  if (value === null || value === '') return BULK_NULL;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

/** A flattened record's line under a job's header; a column the record lacks is left empty. */
export function bulkRow(columns: readonly string[], row: Record<string, unknown>): string {
  return csvRow(columns.map((column) => cell(Object.hasOwn(row, column) ? row[column] : undefined)));
}
