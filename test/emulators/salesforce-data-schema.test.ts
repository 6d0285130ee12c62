// The org schema (defineSObject), record IDs, and the test inspection API.
import { describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { toId18 } from '../../emulators/salesforce/salesforce-ids.js';
import { call, rec, useDataEmulator, V } from './salesforce-data-helpers.js';

let sf: SalesforceEmulator;
let token: string;

useDataEmulator((emulator, accessToken) => {
  sf = emulator;
  token = accessToken;
});

describe('default org', () => {
  it('has Account and Contact with their fields; every field is present on a record', async () => {
    const result = await call(sf, 'POST', `${V}/composite/sobjects`, {
      token,
      body: {
        records: [
          rec('Account', { Name: 'Acme' }),
          rec('Contact', { LastName: 'Doe', FirstName: 'Jane', Email: 'j@example.com', Ext_Id__c: 'c-1' }),
        ],
      },
    });
    const [accountId, contactId] = (result.body as { id: string }[]).map((item) => item.id);
    expect(sf.records('Account')).toEqual([
      {
        Id: accountId,
        Name: 'Acme',
        Ext_Id__c: null,
        Email__c: null,
        Phone: null,
        Description: null,
        AnnualRevenue: null,
        NumberOfEmployees: null,
        Active__c: false,
      },
    ]);
    expect(sf.records('Contact')).toEqual([
      { Id: contactId, LastName: 'Doe', FirstName: 'Jane', Email: 'j@example.com', Ext_Id__c: 'c-1' },
    ]);
  });

  it('hands out 18-character IDs with the key prefix and a valid checksum suffix', () => {
    const ids = [
      sf.insertRecord('Account', { Name: 'A' }),
      sf.insertRecord('Account', { Name: 'B' }),
      sf.insertRecord('Contact', { LastName: 'C' }),
    ];
    expect(ids.map((id) => id.slice(0, 3))).toEqual(['001', '001', '003']);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-Za-z]{18}$/);
      expect(toId18(id.slice(0, 15))).toBe(id);
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('enforces lengths: Contact.LastName 80, FirstName 40, Description 32,000, emails 80', () => {
    expect(() => sf.insertRecord('Contact', { LastName: 'x'.repeat(81) })).toThrow(
      `STRING_TOO_LONG: Last Name: data value too large: ${'x'.repeat(81)} (max length=80)`,
    );
    expect(() => sf.insertRecord('Contact', { LastName: 'L', FirstName: 'y'.repeat(41) })).toThrow(
      /^STRING_TOO_LONG: First Name: .* \(max length=40\)$/,
    );
    expect(sf.insertRecord('Account', { Name: 'D', Description: 'd'.repeat(32_000) })).toMatch(/^001/);
    expect(() => sf.insertRecord('Account', { Name: 'D', Description: 'd'.repeat(32_001) })).toThrow(
      /\(max length=32000\)$/,
    );
    // Characters, not UTF-16 units: 80 emoji fit in an 80-character field.
    expect(sf.insertRecord('Contact', { LastName: '😀'.repeat(80) })).toMatch(/^003/);
    expect(() =>
      sf.insertRecord('Contact', { LastName: 'L', Email: `${'e'.repeat(70)}@example.com` }),
    ).toThrow(/^STRING_TOO_LONG: Email: /);
  });
});

describe('defineSObject', () => {
  it('adds a custom object with an implicit Name, a custom key prefix and typed fields', async () => {
    sf.defineSObject('Shipment__c', {
      fields: {
        Tracking__c: { type: 'string', length: 30, externalId: true, unique: true },
        Shipped__c: { type: 'date' },
        Delivered__c: { type: 'datetime' },
        Weight__c: { type: 'double' },
        Pieces__c: { type: 'int', required: true },
        Fragile__c: { type: 'boolean' },
        Notes__c: { type: 'textarea', length: 1000 },
      },
    });
    const upsert = await call(sf, 'PATCH', `${V}/composite/sobjects/Shipment__c/Tracking__c`, {
      token,
      body: {
        records: [
          rec('Shipment__c', {
            Tracking__c: 'T-1',
            Name: 'First',
            Shipped__c: '2026-02-28',
            Delivered__c: '2026-03-01T10:15:00+02:00',
            Weight__c: 1.25,
            Pieces__c: 3,
          }),
          rec('Shipment__c', { Tracking__c: 'T-2', Pieces__c: 1 }),
        ],
      },
    });
    const [first, second] = upsert.body as { id?: string; success: boolean; errors: unknown[] }[];
    // Custom objects get prefixes a00, a01, ... in the order they are defined (other tests define some too).
    expect(first?.id).toMatch(/^a\d{2}[0-9A-Za-z]{15}$/);
    expect(second).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [Name]',
          fields: ['Name'],
        },
      ],
      created: false,
    });
    expect(sf.findRecord('Shipment__c', 'Tracking__c', 't-1')).toEqual({
      Id: first?.id,
      Tracking__c: 'T-1',
      Shipped__c: '2026-02-28',
      Delivered__c: '2026-03-01T08:15:00.000+0000',
      Weight__c: 1.25,
      Pieces__c: 3,
      Fragile__c: false,
      Notes__c: null,
      Name: 'First',
    });
    const query = await call(
      sf,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT Delivered__c FROM Shipment__c WHERE Shipped__c = 2026-02-28')}`,
      {
        token,
      },
    );
    expect((query.body as { records: Record<string, unknown>[] }).records[0]?.Delivered__c).toBe(
      '2026-03-01T08:15:00.000+0000',
    );

    const badDate = await call(sf, 'PATCH', `${V}/composite/sobjects/Shipment__c/Tracking__c`, {
      token,
      raw: '{"records":[{"attributes":{"type":"Shipment__c"},"Tracking__c":"T-3","Shipped__c":"2026-02-30"}]}',
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body).toEqual([
      {
        message:
          'Cannot deserialize instance of date from VALUE_STRING value 2026-02-30 or request may be missing a required field at [line:1, column:95]',
        errorCode: 'JSON_PARSER_ERROR',
      },
    ]);

    sf.defineSObject('Second__c', { fields: {} });
    const next = String(Number(first?.id?.slice(1, 3)) + 1).padStart(2, '0');
    expect(sf.insertRecord('Second__c', { Name: 'x' })).toMatch(new RegExp(`^a${next}`));
  });

  it('replacing a definition clears that sObject only', () => {
    sf.defineSObject('Temp__c', { fields: { Code__c: { type: 'string' } } });
    sf.insertRecord('Temp__c', { Name: 'T', Code__c: 'c' });
    sf.insertRecord('Account', { Name: 'Stays' });
    sf.defineSObject('Temp__c', { fields: { Other__c: { type: 'int' } } });
    expect(sf.records('Temp__c')).toEqual([]);
    expect(sf.records('Account')).toHaveLength(1);
    expect(() => sf.insertRecord('Temp__c', { Name: 'T', Code__c: 'c' })).toThrow(
      'Temp__c.Code__c cannot be set',
    );
    expect(sf.insertRecord('Temp__c', { Name: 'T', Other__c: 2 })).toMatch(/^a0/);
  });

  it('refuses definitions Setup would refuse', () => {
    expect(() => {
      sf.defineSObject('Bad Name', { fields: {} });
    }).toThrow('invalid sObject name');
    expect(() => {
      sf.defineSObject('X__c', { fields: { Flag__c: { type: 'boolean', externalId: true } } });
    }).toThrow('only string, email, int and double fields can be external IDs or unique');
    expect(() => {
      sf.defineSObject('X__c', { fields: { T__c: { type: 'string', length: 256 } } });
    }).toThrow('length must be 1..255');
    expect(() => {
      sf.defineSObject('X__c', { fields: { N__c: { type: 'double', length: 5 } } });
    }).toThrow('length applies to text fields only');
    expect(() => {
      sf.defineSObject('X__c', { fields: { Id: { type: 'string' } } });
    }).toThrow('field names must be unique');
    expect(() => {
      sf.defineSObject('Y__c', { keyPrefix: '001', fields: {} });
    }).toThrow('keyPrefix 001 is already used');
  });
});

describe('inspection API', () => {
  it('records() returns copies; findRecord() finds by any field; clearRecords() empties', () => {
    const id = sf.insertRecord('Account', { Name: 'Acme', Ext_Id__c: 'ACME-1', NumberOfEmployees: 5 });
    sf.insertRecord('Contact', { LastName: 'Keep' });
    const [copy] = sf.records('Account');
    if (copy) copy.Name = 'mutated';
    expect(sf.records('Account')[0]?.Name).toBe('Acme');
    expect(sf.findRecord('Account', 'Ext_Id__c', 'acme-1')?.Id).toBe(id);
    expect(sf.findRecord('Account', 'Id', id)?.Name).toBe('Acme');
    expect(sf.findRecord('Account', 'Id', id.slice(0, 15))?.Name).toBe('Acme');
    expect(sf.findRecord('Account', 'Id', 'garbage')).toBeUndefined();
    expect(sf.findRecord('Account', 'NumberOfEmployees', 5)?.Id).toBe(id);
    expect(sf.findRecord('account', 'name', 'ACME')?.Id).toBe(id);
    expect(sf.findRecord('Account', 'Name', 'Nobody')).toBeUndefined();
    expect(() => sf.findRecord('Account', 'Nope__c', 1)).toThrow('Account has no field Nope__c');
    expect(() => sf.records('Nope__c')).toThrow('no sObject Nope__c is defined');
    sf.clearRecords('Account');
    expect(sf.records('Account')).toEqual([]);
    expect(sf.records('Contact')).toHaveLength(1);
  });

  it("insertRecord() validates like the API and reports Salesforce's status code", () => {
    expect(() => sf.insertRecord('Account', { Phone: '1' })).toThrow(
      'REQUIRED_FIELD_MISSING: Required fields are missing: [Name]',
    );
    expect(() => sf.insertRecord('Account', { Name: 'x', Email__c: 'bad' })).toThrow(
      'INVALID_EMAIL_ADDRESS: Email: invalid email address: bad',
    );
    expect(() => sf.insertRecord('Account', { Name: 'x', AnnualRevenue: 'lots' })).toThrow(
      'Account.AnnualRevenue: not a double: lots',
    );
    sf.insertRecord('Account', { Name: 'x', Ext_Id__c: 'u' });
    expect(() => sf.insertRecord('Account', { Name: 'y', Ext_Id__c: 'U' })).toThrow(
      /^DUPLICATE_VALUE: duplicate value found: Ext_Id__c duplicates value on record with id: 001/,
    );
  });
});
