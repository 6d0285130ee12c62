import { describe, expect, it } from 'vitest';
import { describeRecordProblems, externalIdOf, validateRecord } from '../../lib/sync/validate-record.js';

/** The problems of `record` as one line, under `record`. */
const problems = (record: unknown) => describeRecordProblems(validateRecord(record), 'record');

describe('validateRecord', () => {
  it('accepts field API names to text, finite numbers, booleans, null and one level of reference', () => {
    const record = {
      Ext_Id__c: 'A-1',
      Name: 'Acme',
      AnnualRevenue: 10.5,
      NumberOfEmployees: -3,
      Active__c: true,
      Phone: null,
      Description: 'x'.repeat(131_072),
      Parent: { Ext_Id__c: 'P-1' },
      Owner: {},
      constructor: 'a field whose name Object.prototype also has',
    };
    expect(validateRecord(record)).toEqual([]);
    expect(validateRecord(Object.assign(Object.create(null), { Name: 'no prototype' }))).toEqual([]);
    expect(
      validateRecord(Object.fromEntries(Array.from({ length: 800 }, (_, i) => [`F${i}__c`, i]))),
    ).toEqual([]);
  });

  it('names the field at fault and what it must be, never its value', () => {
    expect(problems({ Name: ['secret-value'] })).toBe(
      'record.Name: must be text, a number, true, false, null or a relationship reference',
    );
    expect(problems({ Amount: Number.POSITIVE_INFINITY, Count: Number.NaN })).toBe(
      'record.Amount: must be a finite number; record.Count: must be a finite number',
    );
    expect(problems({ Description: `secret-value${'x'.repeat(131_072)}` })).toBe(
      'record.Description: is longer than 131072 characters',
    );
    expect(problems({ Parent: { Ext_Id__c: { Deeper: 'secret-value' } } })).toBe(
      'record.Parent.Ext_Id__c: must be text, a number, true, false or null (a reference is one level deep)',
    );
    expect(problems({ Parent: { Name: 'x'.repeat(131_073) } })).toBe(
      'record.Parent.Name: is longer than 131072 characters',
    );
    for (const value of [undefined, new Date(0), () => 1, 10n, Symbol('s')]) {
      expect(problems({ Name: value })).toMatch(/^record\.Name: must be text/);
    }
  });

  it('refuses keys that are not API names (prototype-pollution keys among them) without repeating them', () => {
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "Name": "x"}') as unknown;
    expect(problems(proto)).toBe('record: has a key that is not a Salesforce field name');
    expect(problems({ 'secret value': 1, 'constructor.prototype': 2, Name: 'x' })).toBe(
      'record: has a key that is not a Salesforce field name',
    );
    expect(problems({ Parent: { 'secret value': 'P-1' } })).toBe(
      'record.Parent: has a key that is not a Salesforce field name',
    );
    expect(problems({ ['A'.repeat(81)]: 1 })).toBe('record: has a key that is not a Salesforce field name');
  });

  it('refuses what is not an object of fields, and more than 800 fields', () => {
    for (const value of [null, undefined, 'text', 5, [], [{ Name: 'x' }], new Map(), new Date(0)]) {
      expect(problems(value)).toBe('record: must be an object of field names to values');
    }
    const wide = Object.fromEntries(Array.from({ length: 801 }, (_, i) => [`F${i}__c`, []]));
    expect(problems(wide)).toBe('record: has more than 800 fields');
  });

  it('lists at most ten problems', () => {
    const bad = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`F${i}`, Number.NaN]));
    expect(problems(bad)).toMatch(/record\.F9: must be a finite number; and 2 more$/);
  });
});

describe('externalIdOf', () => {
  it('reads text that is not blank, and numbers', () => {
    expect(externalIdOf({ N: 'A-1' }, 'N')).toBe('A-1');
    expect(externalIdOf({ N: 42 }, 'N')).toBe('42');
    expect(externalIdOf({ N: '  ' }, 'N')).toBeUndefined();
    expect(externalIdOf({ N: null }, 'N')).toBeUndefined();
    expect(externalIdOf({ N: true }, 'N')).toBeUndefined();
    expect(externalIdOf({}, 'constructor')).toBeUndefined();
  });
});
