// sObject Collections (create, update, upsert) and single-row upsert, over real HTTP.
import { describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { accounts, call, rec, useDataEmulator, V } from './salesforce-data-helpers.js';
import type { HttpResult } from './salesforce-helpers.js';

const UPSERT = `${V}/composite/sobjects/Account/Ext_Id__c`;
const COLLECTIONS = `${V}/composite/sobjects`;
const ID = /^001[0-9A-Za-z]{15}$/;
const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

let sf: SalesforceEmulator;
let token: string;

useDataEmulator((emulator, accessToken) => {
  sf = emulator;
  token = accessToken;
});

async function upsert(records: unknown[], extra: Record<string, unknown> = {}): Promise<HttpResult> {
  return call(sf, 'PATCH', UPSERT, { token, body: { ...extra, records } });
}

function ids(result: HttpResult): string[] {
  return (result.body as { id: string }[]).map((item) => item.id);
}

describe('collections upsert: semantics', () => {
  it('creates or updates by external ID, in request order, with created flags', async () => {
    const first = await upsert([
      rec('Account', { Ext_Id__c: 'a', Name: 'A', Phone: '111' }),
      rec('Account', { Ext_Id__c: 'b', Name: 'B' }),
    ]);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const [idA, idB] = ids(first);
    expect(idA).toMatch(ID);
    expect(idB).toMatch(ID);
    expect(first.body).toEqual([
      { id: idA, success: true, errors: [], created: true },
      { id: idB, success: true, errors: [], created: true },
    ]);

    const second = await upsert([
      rec('Account', { Ext_Id__c: 'b', Description: 'second pass' }),
      rec('Account', { Ext_Id__c: 'a', Phone: null }),
      rec('Account', { Ext_Id__c: 'c', Name: 'C' }),
    ]);
    const [, , idC] = ids(second);
    expect(second.body).toEqual([
      { id: idB, success: true, errors: [], created: false },
      { id: idA, success: true, errors: [], created: false },
      { id: idC, success: true, errors: [], created: true },
    ]);
    // Absent fields are left alone, an explicit null clears.
    expect(sf.findRecord('Account', 'Ext_Id__c', 'a')).toMatchObject({ Id: idA, Name: 'A', Phone: null });
    expect(sf.findRecord('Account', 'Ext_Id__c', 'b')).toMatchObject({
      Name: 'B',
      Description: 'second pass',
    });
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['a', 'b', 'c']);
  });

  it('matches external IDs and field names case-insensitively, storing canonical names', async () => {
    const [id] = ids(await upsert([rec('account', { ext_id__c: 'Key-1', name: 'Lower', active__c: true })]));
    const again = await upsert([rec('Account', { EXT_ID__C: 'KEY-1', NumberOfEmployees: 12 })]);
    expect(again.body).toEqual([{ id, success: true, errors: [], created: false }]);
    expect(sf.records('Account')).toEqual([
      {
        Id: id,
        Name: 'Lower',
        Ext_Id__c: 'Key-1',
        Email__c: null,
        Phone: null,
        Description: null,
        AnnualRevenue: null,
        NumberOfEmployees: 12,
        Active__c: true,
      },
    ]);
  });

  it('accepts numeric and boolean strings for number and checkbox fields, numbers for text', async () => {
    const result = await upsert([
      rec('Account', {
        Ext_Id__c: 7,
        Name: 'Typed',
        AnnualRevenue: '1234.5',
        NumberOfEmployees: '42',
        Active__c: 'TRUE',
      }),
    ]);
    expect((result.body as { success: boolean }[])[0]?.success).toBe(true);
    expect(sf.findRecord('Account', 'Ext_Id__c', '7')).toMatchObject({
      Ext_Id__c: '7',
      AnnualRevenue: 1234.5,
      NumberOfEmployees: 42,
      Active__c: true,
    });
  });

  it('upserts 1,000 records in five requests of 200', async () => {
    const all = accounts(1000, 'bulkish');
    for (let i = 0; i < 1000; i += 200) {
      const result = await upsert(all.slice(i, i + 200));
      expect(result.status).toBe(200);
      expect((result.body as { success: boolean }[]).every((item) => item.success)).toBe(true);
    }
    expect(sf.records('Account')).toHaveLength(1000);
    expect(sf.stats.requestsByRoute['collections.upsert']).toBe(5);
  });
});

describe('collections upsert: record errors (HTTP 200)', () => {
  it('reports each failing record with statusCode, message and fields; the others are written', async () => {
    await upsert([rec('Account', { Ext_Id__c: 'existing', Name: 'Existing' })]);
    const result = await upsert([
      rec('Account', { Ext_Id__c: 'ok-1', Name: 'Fine' }),
      rec('Account', { Ext_Id__c: 'no-name' }),
      rec('Account', { Ext_Id__c: 'bad-mail', Name: 'M', Email__c: 'x' }),
      rec('Account', { Ext_Id__c: 'long', Name: 'n'.repeat(256) }),
      rec('Account', { Ext_Id__c: 'existing', Name: null }),
      rec('Account', { Name: 'No key' }),
      rec('Account', { Ext_Id__c: '', Name: 'Empty key' }),
      rec('Account', { Ext_Id__c: 'phone', Name: 'P', Phone: '1'.repeat(41) }),
    ]);
    expect(result.status).toBe(200);
    const [okId] = ids(result);
    expect(result.body).toEqual([
      { id: okId, success: true, errors: [], created: true },
      {
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [Name]',
            fields: ['Name'],
          },
        ],
        created: false,
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_EMAIL_ADDRESS',
            message: 'Email: invalid email address: x',
            fields: ['Email__c'],
          },
        ],
        created: false,
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'STRING_TOO_LONG',
            message: `Account Name: data value too large: ${'n'.repeat(256)} (max length=255)`,
            fields: ['Name'],
          },
        ],
        created: false,
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [Name]',
            fields: ['Name'],
          },
        ],
        created: false,
      },
      {
        success: false,
        errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Ext_Id__c not specified', fields: [] }],
        created: false,
      },
      {
        success: false,
        errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Ext_Id__c not specified', fields: [] }],
        created: false,
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'STRING_TOO_LONG',
            message: `Account Phone: data value too large: ${'1'.repeat(41)} (max length=40)`,
            fields: ['Phone'],
          },
        ],
        created: false,
      },
    ]);
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['existing', 'ok-1']);
    expect(sf.findRecord('Account', 'Ext_Id__c', 'existing')).toMatchObject({ Name: 'Existing' });
  });

  it('fails every record that shares an external ID with another in the same request', async () => {
    const result = await upsert([
      rec('Account', { Ext_Id__c: 'Dup-1', Name: 'First' }),
      rec('Account', { Ext_Id__c: 'solo', Name: 'Solo' }),
      rec('Account', { Ext_Id__c: 'dup-1', Name: 'Second' }),
      rec('Account', { Ext_Id__c: 'DUP-1', Name: 'Third' }),
    ]);
    const duplicate = {
      success: false,
      errors: [
        {
          statusCode: 'DUPLICATE_VALUE',
          message: 'Duplicate external id specified: dup-1',
          fields: ['Ext_Id__c'],
        },
      ],
      created: false,
    };
    const [, soloId] = (result.body as { id?: string }[]).map((item) => item.id);
    expect(result.body).toEqual([
      duplicate,
      { id: soloId, success: true, errors: [], created: true },
      duplicate,
      duplicate,
    ]);
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['solo']);
  });

  it('a case-sensitive external ID (Unique, "ABC" and "abc" different) keys on the exact value', async () => {
    sf.defineSObject('Member__c', {
      fields: { Code__c: { type: 'string', externalId: true, unique: true, caseSensitive: true } },
    });
    const path = `${V}/composite/sobjects/Member__c/Code__c`;
    const send = (records: unknown[]) => call(sf, 'PATCH', path, { token, body: { records } });
    const first = await send([
      rec('Member__c', { Code__c: 'ABC', Name: 'upper' }),
      rec('Member__c', { Code__c: 'abc', Name: 'lower' }),
    ]);
    expect((first.body as { created: boolean }[]).map((r) => r.created)).toEqual([true, true]);
    const again = await send([rec('Member__c', { Code__c: 'abc', Name: 'lower 2' })]);
    expect((again.body as { created: boolean }[]).map((r) => r.created)).toEqual([false]);
    expect(sf.records('Member__c').map((r) => [r.Code__c, r.Name])).toEqual([
      ['ABC', 'upper'],
      ['abc', 'lower 2'],
    ]);
    // Only an exact repeat within one request is a duplicate on such a field.
    const repeated = await send([rec('Member__c', { Code__c: 'X' }), rec('Member__c', { Code__c: 'X' })]);
    expect(
      (repeated.body as { errors: { statusCode: string }[] }[]).map((r) => r.errors[0]?.statusCode),
    ).toEqual(['DUPLICATE_VALUE', 'DUPLICATE_VALUE']);
  });

  it('allOrNone: one failure rolls everything back, updates included', async () => {
    const [existingId] = ids(await upsert([rec('Account', { Ext_Id__c: 'keep', Name: 'Before' })]));
    const result = await upsert(
      [
        rec('Account', { Ext_Id__c: 'keep', Name: 'After' }),
        rec('Account', { Ext_Id__c: 'new', Name: 'New' }),
        rec('Account', { Ext_Id__c: 'broken' }),
      ],
      { allOrNone: true },
    );
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      { success: false, errors: [ROLLED_BACK], created: false },
      { success: false, errors: [ROLLED_BACK], created: false },
      {
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [Name]',
            fields: ['Name'],
          },
        ],
        created: false,
      },
    ]);
    expect(sf.records('Account')).toHaveLength(1);
    expect(sf.findRecord('Account', 'Id', existingId)).toMatchObject({ Name: 'Before' });
  });

  it('allOrNone: all good records are written', async () => {
    const result = await upsert(accounts(3), { allOrNone: true });
    expect((result.body as { success: boolean }[]).map((item) => item.success)).toEqual([true, true, true]);
    expect(sf.records('Account')).toHaveLength(3);
  });

  it('refuses a record Id: only external IDs are supported', async () => {
    const result = await upsert([rec('Account', { Id: '001000000000001AAA', Ext_Id__c: 'x', Name: 'X' })]);
    expect(result.body).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
            message:
              'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
            fields: ['Id'],
          },
        ],
        created: false,
      },
    ]);
  });

  it('keeps unique fields unique across records', async () => {
    const result = await call(sf, 'POST', COLLECTIONS, {
      token,
      body: {
        records: [
          rec('Account', { Name: 'One', Ext_Id__c: 'u-1' }),
          rec('Account', { Name: 'Two', Ext_Id__c: 'U-1' }),
        ],
      },
    });
    const [firstId] = ids(result);
    expect(result.body).toEqual([
      { id: firstId, success: true, errors: [] },
      {
        success: false,
        errors: [
          {
            statusCode: 'DUPLICATE_VALUE',
            message: `duplicate value found: Ext_Id__c duplicates value on record with id: ${firstId}`,
            fields: [],
          },
        ],
      },
    ]);
  });

  it('reports an external ID that matches several records (non-unique key)', async () => {
    sf.defineSObject('Invoice__c', {
      fields: { Number__c: { type: 'string', length: 20, externalId: true, label: 'Invoice Number' } },
    });
    const a = sf.insertRecord('Invoice__c', { Name: 'A', Number__c: 'INV-1' });
    const b = sf.insertRecord('Invoice__c', { Name: 'B', Number__c: 'inv-1' });
    const result = await call(sf, 'PATCH', `${V}/composite/sobjects/Invoice__c/Number__c`, {
      token,
      body: { records: [rec('Invoice__c', { Number__c: 'INV-1', Name: 'C' })] },
    });
    expect(result.body).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'DUPLICATE_EXTERNAL_ID',
            message: `Invoice Number: more than one record found for external id field: [${a}, ${b}]`,
            fields: ['Number__c'],
          },
        ],
        created: false,
      },
    ]);
    const single = await call(sf, 'PATCH', `${V}/sobjects/Invoice__c/Number__c/INV-1`, {
      token,
      body: { Name: 'C' },
    });
    expect(single.status).toBe(300);
    expect(single.body).toEqual([`${V}/sobjects/Invoice__c/${a}`, `${V}/sobjects/Invoice__c/${b}`]);
  });
});

describe('collections: whole-request errors (HTTP 400)', () => {
  const expect400 = (result: HttpResult, message: string, errorCode: string): void => {
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(result.body).toEqual([{ message, errorCode }]);
  };

  it('malformed JSON: JSON_PARSER_ERROR with the position', async () => {
    expect400(
      await call(sf, 'PATCH', UPSERT, { token, raw: '{"records": [}' }),
      "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [line:1, column:14]",
      'JSON_PARSER_ERROR',
    );
    expect400(
      await call(sf, 'POST', COLLECTIONS, { token, raw: '{\n "records": [\n  {"a" 1}\n ]\n}' }),
      "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at [line:3, column:8]",
      'JSON_PARSER_ERROR',
    );
    expect400(
      await call(sf, 'PATCH', UPSERT, { token, raw: '' }),
      'No content to map due to end-of-input\n at [line:1, column:0]',
      'JSON_PARSER_ERROR',
    );
  });

  it('a field unknown on the sObject: INVALID_FIELD', async () => {
    expect400(
      await upsert([
        rec('Account', { Ext_Id__c: 'a', Name: 'A' }),
        rec('Account', { Ext_Id__c: 'b', Foo__c: 1 }),
      ]),
      "No such column 'Foo__c' on sobject of type Account",
      'INVALID_FIELD',
    );
    expect(sf.records('Account')).toHaveLength(0);
  });

  it('a value of the wrong JSON type: JSON_PARSER_ERROR naming type, token, value and position', async () => {
    const raw = '{"records":[{"attributes":{"type":"Account"},"Ext_Id__c":"q","AnnualRevenue":"abc"}]}';
    expect400(
      await call(sf, 'PATCH', UPSERT, { token, raw }),
      'Cannot deserialize instance of double from VALUE_STRING value abc or request may be missing a required field at [line:1, column:83]',
      'JSON_PARSER_ERROR',
    );
    const cases: [Record<string, unknown>, string][] = [
      [{ Name: { first: 'x' } }, 'string from START_OBJECT value {'],
      [{ Name: 'x', NumberOfEmployees: true }, 'int from VALUE_TRUE value true'],
      [{ Name: 'x', NumberOfEmployees: 5.5 }, 'int from VALUE_NUMBER_FLOAT value 5.5'],
      [{ Name: 'x', Active__c: 1 }, 'boolean from VALUE_NUMBER_INT value 1'],
      [{ Name: 'x', Email__c: false }, ''],
    ];
    for (const [fields, expected] of cases) {
      const result = await upsert([rec('Account', { Ext_Id__c: 'k', ...fields })]);
      if (expected === '') {
        // Jackson turns any scalar into text: false is stored as "false" (then fails as an email).
        expect((result.body as { errors: { statusCode: string }[] }[])[0]?.errors[0]?.statusCode).toBe(
          'INVALID_EMAIL_ADDRESS',
        );
        continue;
      }
      expect(result.status, expected).toBe(400);
      expect((result.body as { message: string }[])[0]?.message).toMatch(
        new RegExp(
          `^Cannot deserialize instance of ${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} or request may be missing a required field at \\[line:1, column:\\d+\\]$`,
        ),
      );
    }
    expect400(
      await upsert([rec('Account', { Ext_Id__c: 'k', Name: ['a'] })]),
      'Cannot deserialize instance of string from START_ARRAY value [line:1, column:70]',
      'JSON_PARSER_ERROR',
    );
    expect400(
      await call(sf, 'PATCH', UPSERT, { token, body: { allOrNone: 'yes', records: [] } }),
      'Cannot deserialize instance of boolean from VALUE_STRING value yes or request may be missing a required field at [line:1, column:19]',
      'JSON_PARSER_ERROR',
    );
  });

  it('more than 200 records: EXCEEDED_ID_LIMIT, nothing written', async () => {
    expect((await upsert(accounts(200))).status).toBe(200);
    sf.clearRecords();
    expect400(
      await upsert(accounts(201)),
      'record limit reached. cannot submit more than 200 records into this call',
      'EXCEEDED_ID_LIMIT',
    );
    expect400(
      await call(sf, 'POST', COLLECTIONS, {
        token,
        body: { records: accounts(201).map(({ Ext_Id__c: _key, ...r }) => r) },
      }),
      'record limit reached. cannot submit more than 200 records into this call',
      'EXCEEDED_ID_LIMIT',
    );
    expect(sf.records('Account')).toHaveLength(0);
  });

  it('an unknown sObject in the URI is 404; a field that is not an external ID is 400', async () => {
    const unknown = await call(sf, 'PATCH', `${V}/composite/sobjects/Nope__c/Ext_Id__c`, {
      token,
      body: { records: [] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual([
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    expect400(
      await call(sf, 'PATCH', `${V}/composite/sobjects/Account/Name`, { token, body: { records: [] } }),
      'Field name provided, Name does not match an External ID, Salesforce Id, or indexed field for Account',
      'INVALID_FIELD',
    );
    expect400(
      await call(sf, 'PATCH', `${V}/composite/sobjects/Account/Missing__c`, { token, body: { records: [] } }),
      'Field name provided, Missing__c does not match an External ID, Salesforce Id, or indexed field for Account',
      'INVALID_FIELD',
    );
  });

  it('records need attributes.type, of a known sObject, of the URI type for upserts', async () => {
    const noType = await upsert([{ Ext_Id__c: 'a', Name: 'A' }]);
    expect(noType.status).toBe(400);
    expect((noType.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_TYPE');
    expect400(
      await call(sf, 'POST', COLLECTIONS, { token, body: { records: [rec('Widget__c', { Name: 'x' })] } }),
      "sObject type 'Widget__c' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
      'INVALID_TYPE',
    );
    expect400(
      await upsert([rec('Contact', { Ext_Id__c: 'c', LastName: 'C' })]),
      'Record type Contact does not match the sObject type of the request URI: Account',
      'INVALID_TYPE',
    );
  });

  it('the resource needs API v46.0 (upsert) or v42.0 (create, update)', async () => {
    const old = await call(sf, 'PATCH', '/services/data/v45.0/composite/sobjects/Account/Ext_Id__c', {
      token,
      body: { records: [] },
    });
    expect(old.status).toBe(404);
    const older = await call(sf, 'POST', '/services/data/v41.0/composite/sobjects', {
      token,
      body: { records: [] },
    });
    expect(older.status).toBe(404);
    const ok = await call(sf, 'POST', '/services/data/v42.0/composite/sobjects', {
      token,
      body: { records: [] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([]);
  });
});

describe('collections create and update', () => {
  it('creates records of several types in order', async () => {
    const result = await call(sf, 'POST', COLLECTIONS, {
      token,
      body: {
        records: [
          rec('Account', { Name: 'Acme' }),
          rec('Contact', { LastName: 'Doe', Email: 'jane@example.com' }),
          rec('Contact', { FirstName: 'No last name' }),
          rec('Account', { Id: '001000000000009AAA', Name: 'With Id' }),
        ],
      },
    });
    expect(result.status).toBe(200);
    const [accountId, contactId] = ids(result);
    expect(accountId).toMatch(ID);
    expect(contactId).toMatch(/^003[0-9A-Za-z]{15}$/);
    expect(result.body).toEqual([
      { id: accountId, success: true, errors: [] },
      { id: contactId, success: true, errors: [] },
      {
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [LastName]',
            fields: ['LastName'],
          },
        ],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
            message: 'cannot specify Id in an insert call',
            fields: ['Id'],
          },
        ],
      },
    ]);
    expect(sf.findRecord('Contact', 'Id', contactId)).toMatchObject({
      LastName: 'Doe',
      Email: 'jane@example.com',
    });
  });

  it('refuses more than 10 type chunks', async () => {
    const records = Array.from({ length: 11 }, (_, i) =>
      i % 2 === 0 ? rec('Account', { Name: `A${i}` }) : rec('Contact', { LastName: `C${i}` }),
    );
    const result = await call(sf, 'POST', COLLECTIONS, { token, body: { records } });
    expect(result.status).toBe(400);
    expect(result.body).toEqual([
      {
        message:
          'Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.',
        errorCode: 'INVALID_BATCH_REQUEST',
      },
    ]);
  });

  it('updates by Id (15 or 18 characters); absent fields unchanged', async () => {
    const id = sf.insertRecord('Account', { Name: 'Old', Phone: '1' });
    const other = sf.insertRecord('Account', { Name: 'Other' });
    const contact = sf.insertRecord('Contact', { LastName: 'C' });
    const result = await call(sf, 'PATCH', COLLECTIONS, {
      token,
      body: {
        records: [
          rec('Account', { id, Name: 'New' }),
          rec('Account', { Id: other.slice(0, 15), Description: 'by 15-char id' }),
          rec('Account', { Name: 'no id' }),
          rec('Account', { Id: 'not-an-id', Name: 'x' }),
          rec('Account', { Id: contact, Name: 'x' }),
          rec('Account', { Id: '001000000000999AAA', Name: 'x' }),
          rec('Account', { Id: id, Name: null }),
        ],
      },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      { id, success: true, errors: [] },
      { id: other, success: true, errors: [] },
      {
        success: false,
        errors: [
          { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
        ],
      },
      {
        success: false,
        errors: [{ statusCode: 'MALFORMED_ID', message: 'malformed id not-an-id', fields: ['Id'] }],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'MALFORMED_ID',
            message: `Account ID: id value of incorrect type: ${contact}`,
            fields: ['Id'],
          },
        ],
      },
      {
        success: false,
        errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [Name]',
            fields: ['Name'],
          },
        ],
      },
    ]);
    expect(sf.findRecord('Account', 'Id', id)).toMatchObject({ Name: 'New', Phone: '1' });
    expect(sf.findRecord('Account', 'Id', other)).toMatchObject({
      Name: 'Other',
      Description: 'by 15-char id',
    });
  });

  it('update with allOrNone rolls back', async () => {
    const id = sf.insertRecord('Account', { Name: 'Stays' });
    const result = await call(sf, 'PATCH', COLLECTIONS, {
      token,
      body: {
        allOrNone: true,
        records: [rec('Account', { Id: id, Name: 'Changed' }), rec('Account', { Name: 'x' })],
      },
    });
    expect(result.body).toEqual([
      { success: false, errors: [ROLLED_BACK] },
      {
        success: false,
        errors: [
          { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
        ],
      },
    ]);
    expect(sf.findRecord('Account', 'Id', id)).toMatchObject({ Name: 'Stays' });
  });
});

describe('upsert one row: PATCH /sobjects/{SObject}/{ExternalIdField}/{value}', () => {
  const path = (value: string, version = '62.0'): string =>
    `/services/data/v${version}/sobjects/Account/Ext_Id__c/${encodeURIComponent(value)}`;

  it('201 with created true, then 200 with created false (v46.0+)', async () => {
    const created = await call(sf, 'PATCH', path('one 1/x'), { token, body: { Name: 'One' } });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id, success: true, errors: [], created: true });
    expect(sf.findRecord('Account', 'Ext_Id__c', 'one 1/x')).toMatchObject({ Id: id, Name: 'One' });

    const updated = await call(sf, 'PATCH', path('ONE 1/X'), { token, body: { Phone: '5' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id, success: true, errors: [], created: false });
    expect(sf.findRecord('Account', 'Id', id)).toMatchObject({ Name: 'One', Phone: '5' });
    expect(sf.stats.requestsByRoute['sobject.upsert']).toBe(2);
  });

  it('before v46.0: no created flag, and an update is 204 without a body', async () => {
    const created = await call(sf, 'PATCH', path('old', '45.0'), { token, body: { Name: 'Old' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(ID) as unknown, success: true, errors: [] });
    const updated = await call(sf, 'PATCH', path('old', '45.0'), { token, body: { Name: 'Older' } });
    expect(updated.status).toBe(204);
    expect(updated.text).toBe('');
  });

  it('record errors are a 400 array of {message, errorCode, fields}', async () => {
    const missing = await call(sf, 'PATCH', path('n'), { token, body: { Phone: '1' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([
      {
        message: 'Required fields are missing: [Name]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['Name'],
      },
    ]);
    const email = await call(sf, 'PATCH', path('e'), { token, body: { Name: 'E', Email__c: 'nope' } });
    expect(email.body).toEqual([
      {
        message: 'Email: invalid email address: nope',
        errorCode: 'INVALID_EMAIL_ADDRESS',
        fields: ['Email__c'],
      },
    ]);
    const unknown = await call(sf, 'PATCH', path('u'), { token, body: { Name: 'U', Foo__c: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual([
      { message: "No such column 'Foo__c' on sobject of type Account", errorCode: 'INVALID_FIELD' },
    ]);
    expect(sf.records('Account')).toHaveLength(0);
  });

  it('an unknown sObject or a field that is not an external ID is 404 NOT_FOUND', async () => {
    for (const url of [
      `${V}/sobjects/Nope/Ext_Id__c/x`,
      `${V}/sobjects/Account/Name/x`,
      `${V}/sobjects/Account/Foo__c/x`,
    ]) {
      const result = await call(sf, 'PATCH', url, { token, body: { Name: 'x' } });
      expect(result.status, url).toBe(404);
      expect(result.body).toEqual([
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
  });

  it('the body may repeat the key but not change it', async () => {
    const same = await call(sf, 'PATCH', path('k-1'), { token, body: { Name: 'K', Ext_Id__c: 'K-1' } });
    expect(same.status).toBe(201);
    const other = await call(sf, 'PATCH', path('k-1'), { token, body: { Ext_Id__c: 'k-2' } });
    expect(other.status).toBe(400);
    expect(other.body).toEqual([
      {
        message:
          'Ext Id: the value in the request body (k-2) does not match the external ID in the URL (k-1)',
        errorCode: 'INVALID_FIELD',
        fields: ['Ext_Id__c'],
      },
    ]);
  });
});
