// readSource over real HTTP on 127.0.0.1: each format, how the format is chosen, gzip, and
// records that fail alone (by their position) while the others are read.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../../lib/errors.js';
import { answer, startRouteServer, type RouteServer } from '../../helpers/route-server.js';
import { collect, readError } from './collect.js';

const NDJSON = 'application/x-ndjson';
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const ndjson = [
  '{"Ext_Id__c":"A-1","Name":"Acme"}',
  '',
  'not json {',
  '{"Ext_Id__c":"A-2","__proto__":{"polluted":true}}',
  deep(5_000),
  '[1,2]',
  '{"Ext_Id__c":"A-3","Name":"Ünïcødé ✓"}\r',
  '{"Ext_Id__c":"A-4"}',
].join('\n');

const jsonArray = `[
  {"Ext_Id__c": "A-1", "Name": "Acme"},
  {"Ext_Id__c": "A-2", "__proto__": {"polluted": true}},
  ${deep(5_000)},
  {"Ext_Id__c": "A-3", "Name": "Ünïcødé ✓", "Parent": {"Ext_Id__c": "P-1"}},
  {"Ext_Id__c": "A-4", "\\u005f_proto__": 1},
  42,
  {"Ext_Id__c": "A-5"}
]`;

const csv =
  '\ufeffExt_Id__c,Name,Description\r\nA-1,"Acme, ""Inc""","two\nlines"\r\nA-2,,\r\nA-3,x\r\n\r\nA-4,Ünïcødé ✓,\r\n';

let server: RouteServer;

beforeAll(async () => {
  server = await startRouteServer({
    '/accounts.ndjson': answer(ndjson),
    '/accounts.jsonl': answer(ndjson, { 'content-type': 'application/json' }),
    '/accounts.json': answer(jsonArray),
    '/accounts.csv': answer(csv),
    '/accounts.ndjson.gz': answer(gzipSync(ndjson), { 'content-type': 'application/gzip' }),
    '/accounts.json.gz': answer(gzipSync(jsonArray)),
    '/encoded': answer(gzipSync(csv), { 'content-type': 'text/csv', 'content-encoding': 'gzip' }),
    '/typed-ndjson': answer(ndjson, { 'content-type': `${NDJSON}; charset=utf-8` }),
    '/typed-json': answer(jsonArray, { 'content-type': 'application/json' }),
    '/typed-csv': answer(csv, { 'content-type': 'text/csv' }),
    '/untyped': answer(ndjson, { 'content-type': 'application/octet-stream' }),
    '/one-line-array.json': answer('[{"Ext_Id__c":"A-1"},{"__proto__":{}},{"Ext_Id__c":"A-2"}]'),
    '/ndjson-array-first.ndjson': answer('[]\n{"Ext_Id__c":"A-1"}'),
    '/object.json': answer('{"records": []}'),
    '/broken.json': answer('[{"Ext_Id__c":"A-1"},{"Ext_Id__c" "A-2"}]'),
    '/truncated.json': answer('[{"Ext_Id__c":"A-1"},{"Ext_Id__c":'),
    '/trailing.json': answer('[{"Ext_Id__c":"A-1"}] [2]'),
    '/bad-gzip.ndjson.gz': answer('this is not gzip'),
    '/brotli': answer(ndjson, { 'content-type': NDJSON, 'content-encoding': 'br' }),
    '/proto-header.csv': answer('Name,__proto__\nx,y\n'),
    '/repeated-header.csv': answer('Name,Name\nx,y\n'),
    '/bad-quote.csv': answer('Name,Other\n"x"y,1\nz,2\n'),
  });
});

afterAll(async () => {
  await server.close();
});

const expectedNdjson = [
  { ref: 'line 1', value: { Ext_Id__c: 'A-1', Name: 'Acme' } },
  { ref: 'line 3', code: 'INVALID_JSON', error: 'is not valid JSON' },
  { ref: 'line 4', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
  { ref: 'line 5', code: 'INVALID_JSON', error: 'nests deeper than 32 levels' },
  { ref: 'line 6', value: [1, 2] },
  { ref: 'line 7', value: { Ext_Id__c: 'A-3', Name: 'Ünïcødé ✓' } },
  { ref: 'line 8', value: { Ext_Id__c: 'A-4' } },
];

const expectedArray = [
  { ref: '#0', value: { Ext_Id__c: 'A-1', Name: 'Acme' } },
  { ref: '#1', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
  { ref: '#2', code: 'INVALID_JSON', error: 'nests deeper than 32 levels' },
  { ref: '#3', value: { Ext_Id__c: 'A-3', Name: 'Ünïcødé ✓', Parent: { Ext_Id__c: 'P-1' } } },
  { ref: '#4', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
  { ref: '#5', value: 42 },
  { ref: '#6', value: { Ext_Id__c: 'A-5' } },
];

const expectedCsv = [
  { ref: 'row 2', value: { Ext_Id__c: 'A-1', Name: 'Acme, "Inc"', Description: 'two\nlines' } },
  // Empty cells are left out: the field is not written.
  { ref: 'row 3', value: { Ext_Id__c: 'A-2' } },
  { ref: 'row 4', code: 'INVALID_CSV', error: 'has 2 cells where the header has 3' },
  { ref: 'row 5', value: { Ext_Id__c: 'A-4', Name: 'Ünïcødé ✓' } },
];

describe('formats', () => {
  it('NDJSON: one entry per non-blank line, bad lines failing alone by line number', async () => {
    expect(await collect(`${server.url}/accounts.ndjson`)).toEqual(expectedNdjson);
  });

  it('a JSON array, streamed: a __proto__ record and a 5,000-deep record fail alone by index, the others are read', async () => {
    const entries = await collect(`${server.url}/accounts.json`);
    expect(entries).toEqual(expectedArray);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a one-line JSON array is read as an array; an NDJSON source whose first line is an array as NDJSON', async () => {
    expect(await collect(`${server.url}/one-line-array.json`)).toEqual([
      { ref: '#0', value: { Ext_Id__c: 'A-1' } },
      { ref: '#1', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
      { ref: '#2', value: { Ext_Id__c: 'A-2' } },
    ]);
    expect(await collect(`${server.url}/ndjson-array-first.ndjson`)).toEqual([
      { ref: 'line 1', value: [] },
      { ref: 'line 2', value: { Ext_Id__c: 'A-1' } },
    ]);
  });

  it('CSV with a header row: strings, quoted commas and newlines, empty cells left out, rows of the wrong width failing alone', async () => {
    expect(await collect(`${server.url}/accounts.csv`)).toEqual(expectedCsv);
  });
});

describe('choosing the format', () => {
  it.each([
    ['/typed-ndjson', expectedNdjson],
    ['/typed-json', expectedArray],
    ['/typed-csv', expectedCsv],
  ])('by Content-Type when the name has no extension (%s)', async (path, expected) => {
    expect(await collect(`${server.url}${path}`)).toEqual(expected);
  });

  it('the extension wins over the Content-Type, SYNC_SOURCE_FORMAT over both', async () => {
    expect(await collect(`${server.url}/accounts.jsonl`)).toEqual(expectedNdjson);
    expect(await collect(`${server.url}/untyped`, { format: 'ndjson' })).toEqual(expectedNdjson);
    const error = await readError(`${server.url}/accounts.ndjson`, { format: 'json' });
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error.message).toMatch(/is not a JSON array; reading stopped$/);
  });

  it('without an extension, a known Content-Type or SYNC_SOURCE_FORMAT, the source is refused, not guessed', async () => {
    const error = await readError(`${server.url}/untyped`);
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ' });
    expect(error.message).toMatch(/has no known format: .* or set SYNC_SOURCE_FORMAT$/);
  });
});

describe('gzip', () => {
  it('by a .gz name, whatever the Content-Type', async () => {
    expect(await collect(`${server.url}/accounts.ndjson.gz`)).toEqual(expectedNdjson);
    expect(await collect(`${server.url}/accounts.json.gz`)).toEqual(expectedArray);
  });

  it('by Content-Encoding: gzip (the reader asks for it, and inflates it itself)', async () => {
    expect(await collect(`${server.url}/encoded`)).toEqual(expectedCsv);
    expect(server.headers.at(-1)?.['accept-encoding']).toBe('gzip');
  });

  it('bytes that are not gzip, or another Content-Encoding, stop the read', async () => {
    expect((await readError(`${server.url}/bad-gzip.ndjson.gz`)).message).toMatch(
      /is not valid gzip \(Z_DATA_ERROR\)$/,
    );
    expect((await readError(`${server.url}/brotli`)).message).toMatch(
      /has a Content-Encoding other than gzip$/,
    );
  });
});

describe('what stops a read', () => {
  it.each([
    ['/object.json', /is not a JSON array; reading stopped$/],
    ['/broken.json', /is not valid JSON \(in or after element #1\); reading stopped$/],
    ['/truncated.json', /ends before its JSON array is closed \(in or after element #1\); reading stopped$/],
    ['/trailing.json', /is not valid JSON \(in or after element #1\); reading stopped$/],
    ['/proto-header.csv', /has a CSV header with a "__proto__" column, which is not allowed$/],
    ['/repeated-header.csv', /has a CSV header with a repeated column name$/],
    ['/bad-quote.csv', /is not valid CSV \(CSV_INVALID_CLOSING_QUOTE at line 2\); reading stopped$/],
  ])('%s', async (path, message) => {
    const error = await readError(`${server.url}${path}`);
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error.message).toMatch(message);
    // The source's content is never quoted.
    expect(error.message).not.toMatch(/A-2|records|"x"y|__proto__.*y/);
  });

  it('an HTTP error status', async () => {
    const error = await readError(`${server.url}/missing.ndjson`);
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: undefined });
    expect(error.message).toBe(`Sync source ${server.url}/missing.ndjson answered HTTP 404`);
  });
});
