import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsvParts } from '../../lib/salesforce/bulk-csv.js';
import { mergeByExternalId } from '../../lib/sync/merge-duplicates.js';

describe('mergeByExternalId', () => {
  it('folds items with the same external ID (ignoring case), later fields winning, keeping every ref in order', () => {
    const merged = mergeByExternalId(
      [
        { ref: 'm1', record: { Ext__c: 'A', Name: 'first', Phone: '1' } },
        { ref: 'm2', record: { Ext__c: 'B', Name: 'other' } },
        { ref: 'm3', record: { Ext__c: 'A', Name: 'second', Email__c: null } },
        { ref: 'm4', record: { Ext__c: 1, Name: 'numeric' } },
        { ref: 'm5', record: { Ext__c: '1', Name: 'string' } },
        { ref: 'm6', record: { Ext__c: 'b', Name: 'lower case' } },
      ],
      'Ext__c',
    );
    expect(merged).toEqual([
      {
        externalId: 'a',
        refs: ['m1', 'm3'],
        record: { Ext__c: 'A', Name: 'second', Phone: '1', Email__c: null },
      },
      // Salesforce matches external IDs ignoring case: "B" and "b" are one record.
      { externalId: 'b', refs: ['m2', 'm6'], record: { Ext__c: 'b', Name: 'lower case' } },
      { externalId: '1', refs: ['m4', 'm5'], record: { Ext__c: '1', Name: 'string' } },
    ]);
  });
});

describe('toCsvParts', () => {
  const hostile = [
    'comma, inside',
    'quote " inside',
    'new\nline',
    '  padded  ',
    'ünïcødé ✓',
    '#N/A-looking',
    '=1+1',
  ];
  const items = hostile.map((value, i) => ({
    externalId: `E${i}`,
    refs: [`r${i}`],
    record: {
      Ext__c: `E${i}`,
      Description: value,
      Amount__c: i * 1.5,
      Active__c: i % 2 === 0,
      Phone: null,
      Account: { Ext__c: 'ACC-1' },
    },
  }));

  it('writes RFC 4180 CSV that parses back to exactly the values sent', () => {
    const [part] = toCsvParts(items, 10_000_000);
    const rows = parse<Record<string, string>>(part?.csv ?? '', { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'Ext__c',
      'Description',
      'Amount__c',
      'Active__c',
      'Phone',
      'Account.Ext__c',
    ]);
    expect(rows.map((r) => r.Description)).toEqual(hostile);
    expect(rows[3]).toEqual({
      Ext__c: 'E3',
      Description: '  padded  ',
      Amount__c: '4.5',
      Active__c: 'false',
      Phone: '#N/A',
      'Account.Ext__c': 'ACC-1',
    });
  });

  it('writes null and empty strings as #N/A, and leaves absent fields empty (unchanged)', () => {
    const [part] = toCsvParts(
      [
        { externalId: 'A', refs: ['a'], record: { Ext__c: 'A', Name: '' } },
        { externalId: 'B', refs: ['b'], record: { Ext__c: 'B', Phone: '1' } },
      ],
      1_000,
    );
    expect(part?.csv).toBe('Ext__c,Name,Phone\nA,#N/A,\nB,,1\n');
  });

  it('splits into parts below the byte limit, each with the header, losing no row', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `X${i}`,
      refs: [`r${i}`],
      record: { Ext__c: `X${i}`, Name: 'n'.repeat(50) },
    }));
    const parts = toCsvParts(many, 5_000);
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) {
      expect(Buffer.byteLength(part.csv)).toBeLessThanOrEqual(5_000);
      expect(part.csv.startsWith('Ext__c,Name\n')).toBe(true);
      expect(parse(part.csv, { columns: true })).toHaveLength(part.items.length);
    }
    expect(parts.flatMap((p) => p.items.map((i) => i.externalId))).toEqual(many.map((m) => m.externalId));
  });
});
