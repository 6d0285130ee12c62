import { describe, expect, it } from 'vitest';
import { parseJsonRejectingProto } from '../../lib/json.js';
import {
  describeRecordIssues,
  externalIdOf,
  messageSchema,
  recordSchema,
} from '../../lib/sync/record-schema.js';
import { describeRecordProblems, validateRecord } from '../../lib/sync/validate-record.js';

function problems(body: unknown): string {
  const parsed = messageSchema.safeParse(body);
  if (parsed.success) throw new Error('expected a failure');
  return describeRecordIssues(parsed.error);
}

describe('SQS message schema', () => {
  it('accepts records of scalars and one level of relationship reference', () => {
    const parsed = messageSchema.parse({
      sobject: 'Account',
      externalIdField: 'Ext_Id__c',
      record: {
        Ext_Id__c: 'A-1',
        Name: 'Acme',
        AnnualRevenue: 10.5,
        Active__c: true,
        Phone: null,
        Parent: { Ext_Id__c: 'P-1' },
      },
    });
    expect(externalIdOf(parsed.record, 'Ext_Id__c')).toBe('A-1');
    expect(externalIdOf({ N: 42 }, 'N')).toBe('42');
    expect(externalIdOf({ N: '  ' }, 'N')).toBeUndefined();
    expect(externalIdOf({ N: null }, 'N')).toBeUndefined();
  });

  it('refuses prototype-pollution keys and names that are not API names, without quoting values', () => {
    expect(() =>
      parseJsonRejectingProto('{"record": {"__proto__": {"polluted": true}, "Name": "x"}}'),
    ).toThrow(/"__proto__" key is not allowed/);
    expect(parseJsonRejectingProto('{"a": [{"b": 1}]}')).toEqual({ a: [{ b: 1 }] });
    expect(problems({ record: { 'constructor.prototype': 'x' } })).toMatch(/not a Salesforce field name/);
    expect(problems({ record: { 'bad key': 'secret-value' } })).not.toContain('secret-value');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses wrong shapes with the path at fault', () => {
    expect(problems({ record: { Name: ['a'] } })).toMatch(/record.Name/);
    expect(problems({ record: { Parent: { Deep: { Deeper: 1 } } } })).toMatch(/record.Parent/);
    expect(problems({ record: { Amount: Number.POSITIVE_INFINITY } })).toMatch(/record.Amount/);
    expect(problems({ record: {}, extra: 1 })).toMatch(/extra: is not a known field/);
    expect(problems({ sobject: 'Account; DROP', record: {} })).toMatch(
      /sobject: is not a Salesforce object name/,
    );
    expect(problems({ record: { Description: 'x'.repeat(131_073) } })).toMatch(/longer than 131072/);
    expect(problems('just a string')).toMatch(/body/);
  });

  it('checks the record by the one definition SalesforceClient.upsert uses (validateRecord), at the same paths', () => {
    const records: unknown[] = [
      { Name: ['a'] },
      { Parent: { Deep: { Deeper: 1 } }, Amount: Number.NaN },
      { 'bad key': 1, Parent: { 'bad key': 2 } },
      'not a record',
      undefined,
    ];
    for (const record of records) {
      const expected = describeRecordProblems(validateRecord(record), 'record');
      expect(expected).not.toBe('');
      expect(problems({ record })).toBe(expected);
      const alone = recordSchema.safeParse(record);
      expect(alone.success).toBe(false);
    }
    const valid = { Name: 'Acme', Parent: { Ext_Id__c: 'P-1' } };
    expect(recordSchema.parse(valid)).toEqual(valid);
  });
});
