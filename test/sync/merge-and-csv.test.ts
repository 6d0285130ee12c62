import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRow } from '../../lib/csv.js';
import { bulkRow, flatten } from '../../lib/salesforce/bulk-csv.js';
import { mergeByExternalId } from '../../lib/sync/merge-duplicates.js';

describe('mergeByExternalId', () => {
  it('folds items with the same external ID value, later fields winning, keeping every ref in order', () => {
    const rounds = mergeByExternalId(
      [
        { ref: 'm1', record: { Ext__c: 'A', Name: 'first', Phone: '1' } },
        { ref: 'm2', record: { Ext__c: 'B', Name: 'other' } },
        { ref: 'm3', record: { Ext__c: 'A', Name: 'second', Email__c: null } },
        { ref: 'm4', record: { Ext__c: 1, Name: 'numeric' } },
        { ref: 'm5', record: { Ext__c: '1', Name: 'string' } },
      ],
      'Ext__c',
    );
    expect(rounds).toEqual([
      [
        {
          externalId: 'a',
          refs: ['m1', 'm3'],
          record: { Ext__c: 'A', Name: 'second', Phone: '1', Email__c: null },
        },
        { externalId: 'b', refs: ['m2'], record: { Ext__c: 'B', Name: 'other' } },
        { externalId: '1', refs: ['m4', 'm5'], record: { Ext__c: '1', Name: 'string' } },
      ],
    ]);
  });

  it('never folds values that differ only in case: each change of spelling goes to the next round, in order', () => {
    const rounds = mergeByExternalId(
      [
        { ref: 'm1', record: { Ext__c: 'MiX1', Name: 'first', Phone: '1' } },
        { ref: 'm2', record: { Ext__c: 'other', Name: 'x' } },
        { ref: 'm3', record: { Ext__c: 'mix1', Name: 'second' } },
        { ref: 'm4', record: { Ext__c: 'mix1', Phone: '4' } },
        { ref: 'm5', record: { Ext__c: 'MiX1', Name: 'third' } },
      ],
      'Ext__c',
    );
    // MiX1 then mix1 (merged with its repeat) then MiX1 again: folding m5 into m1 would apply it
    // before m3/m4 and let the older change win on a case-insensitive field.
    expect(rounds).toEqual([
      [
        { externalId: 'mix1', refs: ['m1'], record: { Ext__c: 'MiX1', Name: 'first', Phone: '1' } },
        { externalId: 'other', refs: ['m2'], record: { Ext__c: 'other', Name: 'x' } },
      ],
      [{ externalId: 'mix1', refs: ['m3', 'm4'], record: { Ext__c: 'mix1', Name: 'second', Phone: '4' } }],
      [{ externalId: 'mix1', refs: ['m5'], record: { Ext__c: 'MiX1', Name: 'third' } }],
    ]);
  });
});

describe('Bulk CSV lines', () => {
  const hostile = [
    'comma, inside',
    'quote " inside',
    'new\nline',
    '  padded  ',
    'ünïcødé ✓',
    '#N/A-looking',
    '=1+1',
  ];
  const records = hostile.map((value, i) => ({
    Ext__c: `E${i}`,
    Description: value,
    Amount__c: i * 1.5,
    Active__c: i % 2 === 0,
    Phone: null,
    Account: { Ext__c: 'ACC-1' },
  }));
  const columns = ['Ext__c', 'Description', 'Amount__c', 'Active__c', 'Phone', 'Account.Ext__c'];
  const csvOf = (list: Record<string, unknown>[], header: string[]) =>
    csvRow(header) + list.map((r) => bulkRow(header, flatten(r))).join('');

  it('writes RFC 4180 CSV that parses back to exactly the values sent', () => {
    const rows = parse<Record<string, string>>(csvOf(records, columns), { columns: true });
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
    const csv = csvOf(
      [
        { Ext__c: 'A', Name: '' },
        { Ext__c: 'B', Phone: '1' },
      ],
      ['Ext__c', 'Name', 'Phone'],
    );
    expect(csv).toBe('Ext__c,Name,Phone\nA,#N/A,\nB,,1\n');
  });
});
