// GET /query and /query/<locator>: the SOQL subset, SOQL's error messages, and paging.
import { describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { call, useDataEmulator, V } from './salesforce-data-helpers.js';
import type { HttpResult } from './salesforce-helpers.js';

let sf: SalesforceEmulator;
let token: string;

useDataEmulator((emulator, accessToken) => {
  sf = emulator;
  token = accessToken;
});

async function query(soql: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return call(sf, 'GET', `${V}/query?q=${encodeURIComponent(soql)}`, { token, headers });
}

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

function seed(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    sf.insertRecord('Account', {
      Name: `Account ${i}`,
      Ext_Id__c: `q-${i}`,
      NumberOfEmployees: i % 3,
      Active__c: i % 2 === 0,
    }),
  );
}

describe('query results', () => {
  it('returns the selected fields with attributes {type, url}, done true, no nextRecordsUrl', async () => {
    const [first, second] = seed(2);
    const result = await query('SELECT Id, Name, Ext_Id__c, Phone FROM Account');
    expect(result.status).toBe(200);
    // The org's daily count goes on across tests: each query adds one call to it.
    const used = Number(/^api-usage=(\d+)\/15000$/.exec(result.headers.get('sforce-limit-info') ?? '')?.[1]);
    expect(used).toBeGreaterThanOrEqual(1);
    const next = await query('SELECT Id FROM Account');
    expect(next.headers.get('sforce-limit-info')).toBe(`api-usage=${used + 1}/15000`);
    expect(result.body).toEqual({
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: { type: 'Account', url: `${V}/sobjects/Account/${first}` },
          Id: first,
          Name: 'Account 0',
          Ext_Id__c: 'q-0',
          Phone: null,
        },
        {
          attributes: { type: 'Account', url: `${V}/sobjects/Account/${second}` },
          Id: second,
          Name: 'Account 1',
          Ext_Id__c: 'q-1',
          Phone: null,
        },
      ],
    });
    expect(sf.stats.requestsByRoute.query).toBe(2);
  });

  it('filters with WHERE f = value [AND …] (text case-insensitively) and LIMIT', async () => {
    const ids = seed(10);
    const byKey = (await query("select id from account where ext_id__c = 'Q-7'")).body as QueryPage;
    expect(byKey.records.map((r) => r.Id)).toEqual([ids[7]]);
    const both = (await query('SELECT Id FROM Account WHERE NumberOfEmployees = 1 AND Active__c = false'))
      .body as QueryPage;
    expect(both.records.map((r) => r.Id)).toEqual([ids[1], ids[7]]);
    const limited = (await query('SELECT Id FROM Account WHERE Active__c = true LIMIT 2')).body as QueryPage;
    expect(limited).toMatchObject({ totalSize: 2, done: true });
    expect(limited.records.map((r) => r.Id)).toEqual([ids[0], ids[2]]);
    const byId = (await query(`SELECT Name FROM Account WHERE Id = '${String(ids[3]).slice(0, 15)}'`))
      .body as QueryPage;
    expect(byId.records).toEqual([{ attributes: expect.any(Object) as unknown, Name: 'Account 3' }]);
    const nulls = (await query('SELECT Id FROM Account WHERE Phone = null')).body as QueryPage;
    expect(nulls.totalSize).toBe(10);
    const escaped = sf.insertRecord('Account', { Name: "O'Brien \\ Sons" });
    const quote = (await query("SELECT Id FROM Account WHERE Name = 'o\\'brien \\\\ sons'"))
      .body as QueryPage;
    expect(quote.records.map((r) => r.Id)).toEqual([escaped]);
    expect(((await query('SELECT Id FROM Account LIMIT 0')).body as QueryPage).totalSize).toBe(0);
  });

  it('pages with batchSize (200..2,000) and nextRecordsUrl until done', async () => {
    seed(2500);
    const first = (await query('SELECT Id, Name FROM Account')).body as QueryPage;
    expect(first).toMatchObject({ totalSize: 2500, done: false });
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const second = await call(sf, 'GET', String(first.nextRecordsUrl), { token });
    expect(second.status).toBe(200);
    const page2 = second.body as QueryPage;
    expect(page2).toMatchObject({ totalSize: 2500, done: true });
    expect(page2.nextRecordsUrl).toBeUndefined();
    expect(page2.records).toHaveLength(500);
    expect(page2.records[0]?.Name).toBe('Account 2000');

    const small = await query('SELECT Id FROM Account', { 'Sforce-Query-Options': 'batchSize=500' });
    let page = small.body as QueryPage;
    const seen = [...page.records];
    let pages = 1;
    while (!page.done) {
      expect(page.records).toHaveLength(500);
      page = (await call(sf, 'GET', String(page.nextRecordsUrl), { token })).body as QueryPage;
      seen.push(...page.records);
      pages += 1;
    }
    expect(pages).toBe(5);
    expect(new Set(seen.map((r) => r.Id)).size).toBe(2500);
    expect(sf.stats.requestsByRoute['query.more']).toBe(5);

    const clampedLow = (await query('SELECT Id FROM Account', { 'Sforce-Query-Options': 'batchSize=10' }))
      .body as QueryPage;
    expect(clampedLow.records).toHaveLength(200);
    const clampedHigh = (await query('SELECT Id FROM Account', { 'Sforce-Query-Options': 'batchSize=5000' }))
      .body as QueryPage;
    expect(clampedHigh.records).toHaveLength(2000);
  });

  it('an unknown locator is 400 INVALID_QUERY_LOCATOR', async () => {
    const result = await call(sf, 'GET', `${V}/query/01g000000000000AAA-2000`, { token });
    expect(result.status).toBe(400);
    expect(result.body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });
});

describe('query errors', () => {
  const expectError = async (soql: string, errorCode: string, message: string): Promise<void> => {
    const result = await query(soql);
    expect(result.status, soql).toBe(400);
    expect(result.body, soql).toEqual([{ message, errorCode }]);
  };

  it('an unknown sObject: INVALID_TYPE with SOQL caret position', async () => {
    await expectError(
      'SELECT Id FROM no_such_object',
      'INVALID_TYPE',
      "\nSELECT Id FROM no_such_object\n               ^\nERROR at Row:1:Column:16\nsObject type 'no_such_object' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });

  it('an unknown field: INVALID_FIELD', async () => {
    await expectError(
      'SELECT Id, Foo__c FROM Account',
      'INVALID_FIELD',
      "\nSELECT Id, Foo__c FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    await expectError(
      "SELECT Id FROM Account WHERE Missing__c = 'x'",
      'INVALID_FIELD',
      "\nSELECT Id FROM Account WHERE Missing__c = 'x'\n                             ^\nERROR at Row:1:Column:30\nNo such column 'Missing__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });

  it('malformed SOQL: MALFORMED_QUERY "unexpected token"', async () => {
    await expectError(
      'SELECT Id, FROM Account',
      'MALFORMED_QUERY',
      "\nSELECT Id, FROM Account\n           ^\nERROR at Row:1:Column:12\nunexpected token: 'FROM'",
    );
    await expectError(
      'SELECT Id FROM Account WHERE',
      'MALFORMED_QUERY',
      "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'",
    );
    await expectError(
      'SELECT Id\nFROM Account LIMIT x',
      'MALFORMED_QUERY',
      "\nFROM Account LIMIT x\n                   ^\nERROR at Row:2:Column:20\nunexpected token: 'x'",
    );
  });

  it('valid SOQL outside the emulated subset is refused as MALFORMED_QUERY, saying so', async () => {
    const result = await query('SELECT Id FROM Account ORDER BY Name');
    expect(result.status).toBe(400);
    expect(result.body).toEqual([
      {
        message:
          "\nSELECT Id FROM Account ORDER BY Name\n                       ^\nERROR at Row:1:Column:24\nunexpected token: 'ORDER' (the local emulator supports only SELECT f1, f2 FROM X [WHERE f = value [AND …]] [LIMIT n])",
        errorCode: 'MALFORMED_QUERY',
      },
    ]);
    for (const soql of [
      'SELECT COUNT() FROM Account',
      "SELECT Id FROM Account WHERE Name LIKE 'A%'",
      "SELECT Id FROM Account WHERE Name != 'A'",
      'SELECT Owner.Name FROM Account',
    ]) {
      const refused = await query(soql);
      expect(refused.status, soql).toBe(400);
      expect((refused.body as { errorCode: string }[])[0]?.errorCode, soql).toBe('MALFORMED_QUERY');
    }
  });

  it('a filter value of the wrong type: INVALID_FIELD "value of filter criterion …"', async () => {
    await expectError(
      "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
      'INVALID_FIELD',
      "\nSELECT Id FROM Account WHERE NumberOfEmployees = '5'\n                                                 ^\nERROR at Row:1:Column:50\nvalue of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
    );
    await expectError(
      'SELECT Id FROM Account WHERE Name = 5',
      'INVALID_FIELD',
      "\nSELECT Id FROM Account WHERE Name = 5\n                                    ^\nERROR at Row:1:Column:37\nvalue of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
    );
    await expectError(
      "SELECT Id FROM Account WHERE Id = 'abc'",
      'INVALID_QUERY_FILTER_OPERATOR',
      "\nSELECT Id FROM Account WHERE Id = 'abc'\n                                  ^\nERROR at Row:1:Column:35\ninvalid ID field: abc",
    );
  });

  it('a missing q: MALFORMED_QUERY', async () => {
    const result = await call(sf, 'GET', `${V}/query`, { token });
    expect(result.status).toBe(400);
    expect(result.body).toEqual([
      { message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' },
    ]);
  });
});
