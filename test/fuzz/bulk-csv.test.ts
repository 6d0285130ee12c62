// Property-based tests of the Bulk API 2.0 CSV lines (lib/salesforce/bulk-csv.ts bulkRow) and
// of a Bulk upsert of CSV-hostile values through the local Salesforce emulator.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRow } from '../../lib/csv.js';
import { BULK_NULL, bulkRow, flatten } from '../../lib/salesforce/bulk-csv.js';
import type { MergedItem } from '../../lib/record-outcome.js';
import { upsertRecords } from '../../lib/sync/record-sync.js';
import { hostileText, unicodeText } from './support.js';
import { startRestStack, type RestStack } from '../helpers/rest-stack.js';
import { numRuns } from './runs.js';

// Object.prototype member names are valid API names (record-schema.ts lets them through); a
// record lacking one must still get an empty cell, not the inherited function.
const FIELDS = [
  'Ext_Id__c',
  'Name',
  'Description',
  'Phone',
  'AnnualRevenue',
  'Active__c',
  'Notes_2__c',
  'constructor',
  'toString',
  'valueOf',
];

const cellValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileText(40) },
  { weight: 1, arbitrary: unicodeText(40) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t', '\u00a0'), minLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('', BULK_NULL, 'null', 'NULL', '"', '""', '\r\n') },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A record: some of FIELDS (Ext_Id__c always), maybe a relationship reference. */
const record: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...FIELDS.slice(1)), cellValue, { maxKeys: FIELDS.length }),
    cellValue,
    fc.option(cellValue, { nil: undefined }),
  )
  .map(([fields, externalId, parent]) => ({
    Ext_Id__c: externalId,
    ...fields,
    ...(parent === undefined ? {} : { Parent: { Ext_Id__c: parent } }),
  }));

const items: fc.Arbitrary<MergedItem[]> = fc
  .array(record, { minLength: 1, maxLength: 25 })
  .map((records) => records.map((r, i) => ({ externalId: `E${i}`, refs: [`r${i}`], record: r })));

/** Column name -> value, with a relationship reference flattened to `Parent.Ext_Id__c`. */
function flat(r: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(r)) {
    if (value !== null && typeof value === 'object') {
      for (const [inner, v] of Object.entries(value)) out.set(`${key}.${inner}`, v);
    } else {
      out.set(key, value);
    }
  }
  return out;
}

/** The cell Bulk API 2.0 must receive: absent -> '' (unchanged), null and '' -> #N/A (null). */
function expectedCell(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || value === '') return BULK_NULL;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value as string;
}

function columnsOf(list: readonly MergedItem[]): string[] {
  return [...new Set(list.flatMap((item) => [...flat(item.record).keys()]))];
}

function expectedRows(list: readonly MergedItem[]): Record<string, string>[] {
  const columns = columnsOf(list);
  return list.map((item) => {
    const cells = flat(item.record);
    return Object.fromEntries(columns.map((c) => [c, expectedCell(cells.get(c))]));
  });
}

const parseCsv = (csv: string) => parse<Record<string, string>>(csv, { columns: true });

describe('Bulk CSV lines over CSV-hostile values', () => {
  it('a header and rows parse back (csv-parse) to exactly the expected cells', () => {
    fc.assert(
      fc.property(items, (list) => {
        const columns = columnsOf(list);
        const csv = csvRow(columns) + list.map((item) => bulkRow(columns, flatten(item.record))).join('');
        expect(parseCsv(csv)).toEqual(expectedRows(list));
        // One line per row, however many newlines the values hold: every line ends outside quotes.
        expect(parse(csv, { relax_column_count: false })).toHaveLength(list.length + 1);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it('a megabyte of quotes is one cell, written in linear time', () => {
    const value = '"'.repeat(1_000_000);
    const line = csvRow([value, 'x']);
    expect(line).toBe(`"${'""'.repeat(1_000_000)}",x\n`);
    expect(parse(line)).toEqual([[value, 'x']]);
  });
});

describe('Bulk API 2.0 upsert of CSV-hostile values (local emulator)', () => {
  let fuzz: RestStack;

  beforeAll(async () => {
    fuzz = await startRestStack();
  });

  afterAll(async () => {
    await fuzz.close();
  });

  // Known limitation, not a bug: Bulk API 2.0 reads a cell holding exactly `#N/A` as "set to
  // null", and CSV has no way to quote it out of that meaning, so a text value that IS the string
  // "#N/A" cannot round-trip through Bulk (it is stored as null; sObject Collections keep it).
  // It is excluded below. Lone UTF-16 surrogates are not generated either: CSV goes out as UTF-8,
  // where they become U+FFFD (Collections' JSON would keep them as \uD800 escapes).
  const text = (max: number) => hostileText(max).filter((t) => t !== BULK_NULL);
  const description = fc.oneof(
    { weight: 4, arbitrary: text(60) },
    { weight: 1, arbitrary: unicodeText(100) },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(text(10), fc.integer({ min: 100, max: 3_000 }))
        .map(([t, n]) => `${t}${'"\r\n, '.repeat(n)}${t}`.slice(0, 32_000)),
    },
  );
  const row = fc.record(
    {
      suffix: text(20),
      name: text(40),
      description,
      existing: fc.boolean(),
    },
    { requiredKeys: ['suffix', 'name', 'existing'] },
  );

  it('every record is written, and its stored Description is exactly the value sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 15 }), async (rows) => {
        const sf = fuzz.stack.salesforce;
        sf.clearRecords();
        const withIds = rows.map((r, i) => ({ ...r, externalId: `b${i}-${r.suffix}` }));
        for (const r of withIds) {
          if (r.existing) {
            sf.insertRecord('Account', { Ext_Id__c: r.externalId, Name: 'old', Description: 'previous' });
          }
        }
        const { api, outcomes } = await upsertRecords(
          fuzz.client(),
          withIds.map((r, i) => ({
            ref: `ref-${i}`,
            record: {
              Ext_Id__c: r.externalId,
              Name: `N${r.name}`,
              ...(r.description === undefined ? {} : { Description: r.description }),
            },
          })),
          {
            sobject: 'Account',
            externalIdField: 'Ext_Id__c',
            bulkThreshold: 0,
            bulk: { pollMinMs: 5, pollMaxMs: 20 },
          },
        );
        expect(api).toBe('bulk');
        expect(outcomes.map((o) => o.ref)).toEqual(withIds.map((_, i) => `ref-${i}`));
        withIds.forEach((r, i) => {
          expect(outcomes[i]).toMatchObject({ ok: true, created: !r.existing });
          const stored = sf.findRecord('Account', 'Ext_Id__c', r.externalId);
          expect(stored?.Ext_Id__c).toBe(r.externalId);
          expect(stored?.Name).toBe(`N${r.name}`);
          // Absent: unchanged. null and '' (empty cell -> #N/A): cleared. Anything else: exact.
          const wanted =
            r.description === undefined
              ? r.existing
                ? 'previous'
                : null
              : r.description === ''
                ? null
                : r.description;
          expect(stored?.Description).toBe(wanted);
        });
        expect(sf.records('Account')).toHaveLength(withIds.length);
      }),
      { numRuns: numRuns(25) },
    );
  });
});
