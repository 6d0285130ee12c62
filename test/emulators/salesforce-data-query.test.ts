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

const SUBSET_NOTE =
  ' (the local emulator supports only SELECT f1, f2 FROM X [WHERE f op value, f [NOT] IN (…), f LIKE …, combined with AND/OR/NOT and parentheses] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n])';

/**
 * SOQL's message for a one-line query: the line, a caret under `at` (the first occurrence of that
 * text, or that offset), the position and the detail.
 */
function soqlMessage(soql: string, at: string | number, detail: string): string {
  const column = (typeof at === 'number' ? at : soql.indexOf(at)) + 1;
  expect(column, `${at} in ${soql}`).toBeGreaterThan(0);
  return `\n${soql}\n${' '.repeat(column - 1)}^\nERROR at Row:1:Column:${column}\n${detail}`;
}

async function expectError(soql: string, errorCode: string, message: string): Promise<void> {
  const result = await query(soql);
  expect(result.status, soql).toBe(400);
  expect(result.body, soql).toEqual([{ message, errorCode }]);
}

/** The Name of each record the query returns, in order. */
async function names(soql: string): Promise<string[]> {
  const result = await query(soql);
  expect(result.status, `${soql}: ${result.text}`).toBe(200);
  return (result.body as QueryPage).records.map((r) => String(r.Name));
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
    const result = await query('SELECT Name FROM Account GROUP BY Name');
    expect(result.status).toBe(400);
    expect(result.body).toEqual([
      {
        message:
          "\nSELECT Name FROM Account GROUP BY Name\n                         ^\nERROR at Row:1:Column:26\nunexpected token: 'GROUP' (the local emulator supports only SELECT f1, f2 FROM X [WHERE f op value, f [NOT] IN (…), f LIKE …, combined with AND/OR/NOT and parentheses] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n])",
        errorCode: 'MALFORMED_QUERY',
      },
    ]);
    // [query, where the caret points (first occurrence), the token named]
    const refused: [string, string, string][] = [
      ['SELECT COUNT() FROM Account', '(', '('],
      ['SELECT Owner.Name FROM Account', 'Owner.Name', 'Owner.Name'],
      ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', '(', '('],
      ['SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)', 'SELECT AccountId', 'SELECT'],
      ["SELECT Id FROM Account WHERE Name INCLUDES ('a')", 'INCLUDES', 'INCLUDES'],
      ['SELECT Id FROM Account WHERE CreatedDate = TODAY', 'TODAY', 'TODAY'],
      ['SELECT Id FROM Account WITH SECURITY_ENFORCED', 'WITH', 'WITH'],
      ['SELECT Id FROM Account FOR UPDATE', 'FOR', 'FOR'],
      ['SELECT Name FROM Account GROUP BY Name HAVING COUNT(Id) > 1', 'GROUP', 'GROUP'],
    ];
    for (const [soql, at, token] of refused) {
      await expectError(
        soql,
        'MALFORMED_QUERY',
        soqlMessage(soql, at, `unexpected token: '${token}'${SUBSET_NOTE}`),
      );
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

/** Four accounts whose fields cover text case, numbers, nulls and checkboxes. */
function seedMixed(): Record<'alpha' | 'beta' | 'gamma' | 'delta', string> {
  return {
    alpha: sf.insertRecord('Account', {
      Name: 'alpha',
      NumberOfEmployees: 5,
      AnnualRevenue: 100.5,
      Active__c: true,
    }),
    beta: sf.insertRecord('Account', {
      Name: 'Beta',
      NumberOfEmployees: 10,
      Phone: '555-0100',
      Active__c: false,
    }),
    gamma: sf.insertRecord('Account', { Name: 'gamma_1%', AnnualRevenue: 300, Phone: '555-0199' }),
    delta: sf.insertRecord('Account', {
      Name: 'Delta',
      NumberOfEmployees: 10,
      AnnualRevenue: 50,
      Active__c: true,
    }),
  };
}

describe('WHERE comparison operators', () => {
  it('=, !=, <>, <, <=, >, >= on numbers and text (text case-insensitively)', async () => {
    seedMixed();
    const where = async (condition: string): Promise<string[]> =>
      names(`SELECT Name FROM Account WHERE ${condition}`);
    expect(await where('NumberOfEmployees = 10')).toEqual(['Beta', 'Delta']);
    expect(await where('NumberOfEmployees < 10')).toEqual(['alpha']);
    expect(await where('NumberOfEmployees <= 10')).toEqual(['alpha', 'Beta', 'Delta']);
    expect(await where('AnnualRevenue > 100')).toEqual(['alpha', 'gamma_1%']);
    expect(await where('AnnualRevenue >= 300')).toEqual(['gamma_1%']);
    expect(await where('AnnualRevenue > -1.5')).toEqual(['alpha', 'gamma_1%', 'Delta']);
    expect(await where("Name = 'BETA'")).toEqual(['Beta']);
    expect(await where("Name > 'b'")).toEqual(['Beta', 'gamma_1%', 'Delta']);
    expect(await where("Name < 'BETA'")).toEqual(['alpha']);
    expect(await where("Name <= 'beta'")).toEqual(['alpha', 'Beta']);
    expect(await where('Active__c = true')).toEqual(['alpha', 'Delta']);
    expect(await where('Active__c != true')).toEqual(['Beta', 'gamma_1%']);
  });

  it('null: = null and != null; a checkbox is never null (null means false)', async () => {
    seedMixed();
    const where = async (condition: string): Promise<string[]> =>
      names(`SELECT Name FROM Account WHERE ${condition}`);
    expect(await where('Phone = null')).toEqual(['alpha', 'Delta']);
    expect(await where('Phone != null')).toEqual(['Beta', 'gamma_1%']);
    expect(await where("Phone = ''")).toEqual(['alpha', 'Delta']);
    expect(await where("Phone IN ('', '555-0100')")).toEqual(['alpha', 'Beta', 'Delta']);
    expect(await where('Active__c = null')).toEqual(['Beta', 'gamma_1%']);
    expect(await where('Active__c != null')).toEqual(['alpha', 'Delta']);
    // The ordering operators never match an empty field; `!=` keeps it (null is a value here).
    expect(await where('NumberOfEmployees >= 0')).toEqual(['alpha', 'Beta', 'Delta']);
    expect(await where('NumberOfEmployees != 10')).toEqual(['alpha', 'gamma_1%']);
    expect(await where('NumberOfEmployees <> 10')).toEqual(['alpha', 'gamma_1%']);
    expect(await where("Phone != '555-0100'")).toEqual(['alpha', 'gamma_1%', 'Delta']);
  });

  it('dates and datetimes compare as instants (datetime literals in any zone)', async () => {
    sf.defineSObject('Visit__c', {
      fields: {
        Day__c: { type: 'date' },
        At__c: { type: 'datetime' },
        Notes__c: { type: 'textarea', length: 1000 },
      },
    });
    sf.insertRecord('Visit__c', { Name: 'v1', Day__c: '2024-01-10', At__c: '2024-01-10T09:00:00Z' });
    sf.insertRecord('Visit__c', { Name: 'v2', Day__c: '2024-01-15', At__c: '2024-01-15T10:00:00.000Z' });
    sf.insertRecord('Visit__c', { Name: 'v3', Day__c: '2024-02-01', At__c: '2024-01-15T11:30:00+01:00' });
    sf.insertRecord('Visit__c', { Name: 'v4' });
    const where = async (condition: string): Promise<string[]> =>
      names(`SELECT Name FROM Visit__c WHERE ${condition}`);
    expect(await where('Day__c > 2024-01-10')).toEqual(['v2', 'v3']);
    expect(await where('Day__c <= 2024-01-15')).toEqual(['v1', 'v2']);
    expect(await where('Day__c = null')).toEqual(['v4']);
    expect(await where('At__c >= 2024-01-15T10:00:00Z')).toEqual(['v2', 'v3']);
    expect(await where('At__c < 2024-01-15T12:00:00+02:00')).toEqual(['v1']);
    expect(await names('SELECT Name FROM Visit__c ORDER BY At__c DESC')).toEqual(['v4', 'v3', 'v2', 'v1']);
    const wrongType = 'SELECT Name FROM Visit__c WHERE Day__c = 2024-01-15T00:00:00Z';
    await expectError(
      wrongType,
      'INVALID_FIELD',
      soqlMessage(
        wrongType,
        '2024',
        "value of filter criterion for field 'Day__c' must be of type date and should not be enclosed in quotes",
      ),
    );
    // A long text area (over 255 characters) can be neither filtered nor sorted on.
    const filtered = "SELECT Name FROM Visit__c WHERE Notes__c = 'x'";
    await expectError(
      filtered,
      'INVALID_FIELD',
      soqlMessage(filtered, 'Notes__c', "field 'Notes__c' can not be filtered in query call"),
    );
    const sorted = 'SELECT Name FROM Visit__c ORDER BY Notes__c';
    await expectError(
      sorted,
      'INVALID_FIELD',
      soqlMessage(sorted, 'Notes__c', "field 'Notes__c' can not be sorted in a query call"),
    );
  });

  it('an ordering operator on a checkbox: INVALID_QUERY_FILTER_OPERATOR', async () => {
    const soql = 'SELECT Name FROM Account WHERE Active__c > false';
    await expectError(
      soql,
      'INVALID_QUERY_FILTER_OPERATOR',
      soqlMessage(soql, 'Active__c', 'invalid operator on boolean field'),
    );
  });

  it('IN and NOT IN with literal lists (null included), checked per value', async () => {
    const ids = seedMixed();
    const where = async (condition: string): Promise<string[]> =>
      names(`SELECT Name FROM Account WHERE ${condition}`);
    expect(await where("Name IN ('ALPHA', 'delta', 'nobody')")).toEqual(['alpha', 'Delta']);
    expect(await where('NumberOfEmployees IN (5, null)')).toEqual(['alpha', 'gamma_1%']);
    expect(await where('NumberOfEmployees NOT IN (10)')).toEqual(['alpha', 'gamma_1%']);
    expect(await where('NumberOfEmployees not in (10, null)')).toEqual(['alpha']);
    expect(await where('Active__c IN (true)')).toEqual(['alpha', 'Delta']);
    expect(await where(`Id IN ('${ids.beta.slice(0, 15)}', '${ids.delta}')`)).toEqual(['Beta', 'Delta']);
    const empty = 'SELECT Name FROM Account WHERE Name IN ()';
    await expectError(
      empty,
      'MALFORMED_QUERY',
      soqlMessage(empty, 'Name IN', "unexpected token: 'Name IN ()'"),
    );
    const mixed = "SELECT Name FROM Account WHERE NumberOfEmployees IN (5, '6')";
    await expectError(
      mixed,
      'INVALID_FIELD',
      soqlMessage(
        mixed,
        "'6'",
        "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
      ),
    );
    const unclosed = "SELECT Name FROM Account WHERE Name IN ('a' 'b')";
    await expectError(unclosed, 'MALFORMED_QUERY', soqlMessage(unclosed, "'b'", "unexpected token: ''b''"));
  });
});

describe('WHERE LIKE', () => {
  it('% and _ wildcards, case-insensitive; \\% and \\_ match themselves; regex characters are literal', async () => {
    for (const name of ['Acme', 'acme labs', 'ACME_1', 'Acme%Off', 'a.*b', 'Beacme', 'a(b']) {
      sf.insertRecord('Account', { Name: name });
    }
    const like = async (pattern: string): Promise<string[]> =>
      names(`SELECT Name FROM Account WHERE Name LIKE '${pattern}'`);
    expect(await like('acme%')).toEqual(['Acme', 'acme labs', 'ACME_1', 'Acme%Off']);
    expect(await like('%acme')).toEqual(['Acme', 'Beacme']);
    expect(await like('acm_')).toEqual(['Acme']);
    expect(await like('ACME')).toEqual(['Acme']);
    expect(await like('%\\_%')).toEqual(['ACME_1']);
    expect(await like('%\\%%')).toEqual(['Acme%Off']);
    expect(await like('%_%_%_%_%_%_%_%_%_')).toEqual(['acme labs']);
    expect(await like('a.*%')).toEqual(['a.*b']);
    expect(await like('a(%')).toEqual(['a(b']);
    expect(await like('%')).toHaveLength(7);
    expect(await names("SELECT Name FROM Account WHERE NOT Name LIKE 'acme%'")).toEqual([
      'a.*b',
      'Beacme',
      'a(b',
    ]);
  });

  it('LIKE on an ID or a number: INVALID_QUERY_FILTER_OPERATOR, caret on the field', async () => {
    const onId = "SELECT Name FROM Account WHERE Id LIKE '001%'";
    await expectError(
      onId,
      'INVALID_QUERY_FILTER_OPERATOR',
      soqlMessage(onId, 'Id LIKE', 'invalid operator on id field'),
    );
    const onInt = "SELECT Name FROM Account WHERE NumberOfEmployees LIKE '5%'";
    await expectError(
      onInt,
      'INVALID_QUERY_FILTER_OPERATOR',
      soqlMessage(onInt, 'NumberOfEmployees', 'invalid operator on int field'),
    );
  });
});

describe('AND, OR, NOT and parentheses', () => {
  it('parentheses group; one kind of operator chains without them; NOT negates one operand', async () => {
    seedMixed();
    const where = async (condition: string): Promise<string[]> =>
      names(`SELECT Name FROM Account WHERE ${condition}`);
    expect(await where("(NumberOfEmployees = 10 AND Active__c = true) OR Name = 'alpha'")).toEqual([
      'alpha',
      'Delta',
    ]);
    expect(await where("NumberOfEmployees = 10 AND (Active__c = true OR Name = 'Beta')")).toEqual([
      'Beta',
      'Delta',
    ]);
    expect(await where("Name = 'alpha' or Name = 'Beta' OR Name = 'Delta'")).toEqual([
      'alpha',
      'Beta',
      'Delta',
    ]);
    expect(await where('AnnualRevenue > 0 and Phone != null AND Active__c = false')).toEqual(['gamma_1%']);
    expect(await where("NOT (Name = 'alpha' OR Name = 'Beta')")).toEqual(['gamma_1%', 'Delta']);
    expect(await where("NOT Name = 'alpha'")).toEqual(['Beta', 'gamma_1%', 'Delta']);
    expect(await where('AnnualRevenue > 0 AND (NOT Phone = null)')).toEqual(['gamma_1%']);
    expect(await where("((Name = 'alpha'))")).toEqual(['alpha']);
  });

  it('mixing AND and OR (or NOT) without parentheses is "unexpected token" at the operator', async () => {
    const mixed =
      "SELECT Name FROM Account WHERE NumberOfEmployees = 10 AND Active__c = true OR Name = 'alpha'";
    await expectError(
      mixed,
      'MALFORMED_QUERY',
      "\nSELECT Name FROM Account WHERE NumberOfEmployees = 10 AND Active__c = true OR Name = 'alpha'\n                                                                           ^\nERROR at Row:1:Column:76\nunexpected token: 'OR'",
    );
    const cases: [string, string][] = [
      ["Name = 'alpha' OR Name = 'Beta' AND Active__c = true", 'AND'],
      ["Name = 'Beta' AND NOT Active__c = true", 'NOT'],
      ["NOT Name = 'alpha' AND Active__c = true", 'AND'],
      ["NOT NOT Name = 'alpha'", 'NOT Name'],
      ["(Name = 'alpha' OR Name = 'Beta') AND Active__c = true OR Phone = null", 'OR Phone'],
    ];
    for (const [condition, at] of cases) {
      const soql = `SELECT Name FROM Account WHERE ${condition}`;
      await expectError(
        soql,
        'MALFORMED_QUERY',
        soqlMessage(soql, at, `unexpected token: '${at.split(' ')[0]}'`),
      );
    }
  });

  it('unbalanced parentheses', async () => {
    const open = "SELECT Name FROM Account WHERE (Name = 'alpha' OR Name = 'Beta'";
    await expectError(open, 'MALFORMED_QUERY', soqlMessage(open, open.length, "unexpected token: '<EOF>'"));
    const close = "SELECT Name FROM Account WHERE Name = 'alpha')";
    await expectError(close, 'MALFORMED_QUERY', soqlMessage(close, ')', "unexpected token: ')'"));
  });
});

describe('ORDER BY', () => {
  /** Names that sort differently case-sensitively (A-Z before a-z) and case-insensitively. */
  function seedFruit(): void {
    sf.insertRecord('Account', { Name: 'banana', NumberOfEmployees: 3 });
    sf.insertRecord('Account', { Name: 'Cherry', Active__c: true });
    sf.insertRecord('Account', { Name: 'apple', NumberOfEmployees: 1, Active__c: true });
    sf.insertRecord('Account', { Name: 'Apricot', NumberOfEmployees: 3 });
  }

  it('text sorts case-insensitively, ASC by default; DESC reverses', async () => {
    seedFruit();
    expect(await names('SELECT Name FROM Account ORDER BY Name')).toEqual([
      'apple',
      'Apricot',
      'banana',
      'Cherry',
    ]);
    expect(await names('SELECT Name FROM Account ORDER BY Name ASC')).toEqual([
      'apple',
      'Apricot',
      'banana',
      'Cherry',
    ]);
    expect(await names('SELECT Name FROM Account order by name desc')).toEqual([
      'Cherry',
      'banana',
      'Apricot',
      'apple',
    ]);
  });

  it('nulls sort first by default, in both directions; NULLS LAST / FIRST; several keys', async () => {
    seedFruit();
    expect(await names('SELECT Name FROM Account ORDER BY NumberOfEmployees, Name')).toEqual([
      'Cherry',
      'apple',
      'Apricot',
      'banana',
    ]);
    expect(await names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC, Name')).toEqual([
      'Cherry',
      'Apricot',
      'banana',
      'apple',
    ]);
    expect(
      await names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC NULLS LAST, Name DESC'),
    ).toEqual(['banana', 'Apricot', 'apple', 'Cherry']);
    expect(
      await names('SELECT Name FROM Account ORDER BY NumberOfEmployees ASC NULLS LAST, Name ASC'),
    ).toEqual(['apple', 'Apricot', 'banana', 'Cherry']);
    expect(await names('SELECT Name FROM Account ORDER BY NumberOfEmployees NULLS FIRST, Name')).toEqual([
      'Cherry',
      'apple',
      'Apricot',
      'banana',
    ]);
    expect(await names('SELECT Name FROM Account ORDER BY Active__c DESC, Name')).toEqual([
      'apple',
      'Cherry',
      'Apricot',
      'banana',
    ]);
  });

  it('an sObject named Order (or Group) is queryable and sortable', async () => {
    sf.defineSObject('Order', { fields: { Status: { type: 'string' } } });
    for (const status of ['b', 'A', 'c']) sf.insertRecord('Order', { Status: status });
    const result = await query('SELECT Status FROM Order ORDER BY Status DESC LIMIT 2');
    expect((result.body as QueryPage).records.map((r) => r.Status)).toEqual(['c', 'b']);
  });

  it('errors: an unknown field, a dangling NULLS, ORDER without BY', async () => {
    const unknown = 'SELECT Name FROM Account ORDER BY Nope__c';
    await expectError(
      unknown,
      'INVALID_FIELD',
      soqlMessage(
        unknown,
        'Nope__c',
        "No such column 'Nope__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
      ),
    );
    const dangling = 'SELECT Name FROM Account ORDER BY Name NULLS';
    await expectError(
      dangling,
      'MALFORMED_QUERY',
      soqlMessage(dangling, dangling.length, "unexpected token: '<EOF>'"),
    );
    const noBy = 'SELECT Name FROM Account ORDER Name';
    await expectError(
      noBy,
      'MALFORMED_QUERY',
      soqlMessage(noBy, noBy.lastIndexOf('Name'), "unexpected token: 'Name'"),
    );
  });
});

describe('LIMIT and OFFSET', () => {
  it('OFFSET skips rows of the ordered result, then LIMIT caps what is left', async () => {
    for (const name of ['d', 'b', 'a', 'c']) sf.insertRecord('Account', { Name: name });
    expect(await names('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1')).toEqual(['b', 'c']);
    expect(await names('SELECT Name FROM Account ORDER BY Name OFFSET 3')).toEqual(['d']);
    expect(await names('SELECT Name FROM Account OFFSET 1')).toEqual(['b', 'a', 'c']);
    const past = await query('SELECT Name FROM Account ORDER BY Name OFFSET 10');
    expect(past.body).toEqual({ totalSize: 0, done: true, records: [] });
    expect(await names('SELECT Name FROM Account OFFSET 2000')).toEqual([]);
  });

  it('OFFSET over 2,000: NUMBER_OUTSIDE_VALID_RANGE, naming the sObject, without caret', async () => {
    await expectError(
      'SELECT Name FROM account ORDER BY Name OFFSET 2001',
      'NUMBER_OUTSIDE_VALID_RANGE',
      'Maximum SOQL offset allowed for apiName Account is 2000',
    );
  });

  it('OFFSET before LIMIT, or a negative count: MALFORMED_QUERY', async () => {
    const order = 'SELECT Name FROM Account OFFSET 1 LIMIT 1';
    await expectError(order, 'MALFORMED_QUERY', soqlMessage(order, 'LIMIT', "unexpected token: 'LIMIT'"));
    const negative = 'SELECT Name FROM Account LIMIT -1';
    await expectError(negative, 'MALFORMED_QUERY', soqlMessage(negative, '-1', "unexpected token: '-1'"));
  });
});

describe('paging an ordered result', () => {
  it('pages follow the ORDER BY, from a snapshot taken when the query ran', async () => {
    // Inserted in the reverse of name order, so insertion order and sort order disagree.
    for (let i = 0; i < 2500; i++) {
      sf.insertRecord('Account', {
        Name: `Account ${String(2499 - i).padStart(4, '0')}`,
        Ext_Id__c: `p-${i}`,
      });
    }
    const options = { 'Sforce-Query-Options': 'batchSize=1000' };
    let page = (await query('SELECT Name FROM Account ORDER BY Name', options)).body as QueryPage;
    expect(page).toMatchObject({ totalSize: 2500, done: false });
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-1000$/);
    // Written after the query ran: not in its pages.
    sf.insertRecord('Account', { Name: 'Account 0000 late' });
    const seen = page.records.map((r) => String(r.Name));
    while (!page.done) {
      page = (await call(sf, 'GET', String(page.nextRecordsUrl), { token })).body as QueryPage;
      expect(page.totalSize).toBe(2500);
      seen.push(...page.records.map((r) => String(r.Name)));
    }
    const expected = Array.from({ length: 2500 }, (_, i) => `Account ${String(i).padStart(4, '0')}`);
    expect(seen).toEqual(expected);

    const window = (await query('SELECT Name FROM Account ORDER BY Name DESC LIMIT 1500 OFFSET 101', options))
      .body as QueryPage;
    expect(window).toMatchObject({ totalSize: 1500, done: false });
    expect(window.records[0]?.Name).toBe('Account 2398');
    const rest = (await call(sf, 'GET', String(window.nextRecordsUrl), { token })).body as QueryPage;
    expect(rest).toMatchObject({ totalSize: 1500, done: true });
    expect(rest.records).toHaveLength(500);
    expect(rest.records.at(-1)?.Name).toBe('Account 0899');
  });
});

describe('hostile input', () => {
  it('a pathological LIKE pattern over long values is answered with the right result', async () => {
    for (let i = 0; i < 50; i++) sf.insertRecord('Account', { Name: 'a'.repeat(255) });
    const none = await query(`SELECT Id FROM Account WHERE Name LIKE '${'%a'.repeat(1000)}%b'`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ totalSize: 0, done: true, records: [] });
    const all = await query(`SELECT Id FROM Account WHERE Name LIKE '${'%_'.repeat(255)}%'`);
    expect((all.body as QueryPage).totalSize).toBe(50);
  });

  it('a 1 MB query string is refused before it reaches the SOQL parser; the emulator goes on', async () => {
    const soql = `SELECT Id FROM Account WHERE Name = '${'x'.repeat(1_000_000)}'`;
    const result = await query(soql);
    // Node's HTTP server caps the request line and headers at 16 KiB and answers 431 Request Header
    // Fields Too Large. Salesforce caps the URI plus headers at 16,384 bytes and answers 414 URI Too
    // Long (https://help.salesforce.com/s/articleView?id=000386264&type=1); the 100,000-character
    // SOQL bound itself is checked in soql.test.ts.
    expect(result.status).toBe(431);
    const after = await query('SELECT Id FROM Account');
    expect(after.status).toBe(200);
  });

  it('a query string just under the URI limit, with 300 OR terms, is answered', async () => {
    const id = sf.insertRecord('Account', { Name: 'needle' });
    const terms = Array.from({ length: 300 }, (_, i) => `Name = 'n${i}'`);
    const soql = `SELECT Id FROM Account WHERE ${terms.join(' OR ')} OR Name = 'NEEDLE'`;
    expect(soql.length).toBeGreaterThan(5_000);
    const result = await query(soql);
    expect(result.status).toBe(200);
    expect((result.body as QueryPage).records.map((r) => r.Id)).toEqual([id]);
  });
});
