// The data routes' sessions, API limits, injected faults and per-route stats, over real HTTP.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SALESFORCE_ROUTE_NAMES,
  type SalesforceEmulator,
} from '../../emulators/salesforce/salesforce-emulator.js';
import { accounts, call, login, rec, useDataEmulator, V } from './salesforce-data-helpers.js';

const INVALID_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
const JOB = `${V}/jobs/ingest/750000000000001AAA`;

/** One request per data route: [route name, method, path, body]. */
const ROUTES: [string, string, string, unknown][] = [
  ['query', 'GET', `${V}/query?q=SELECT+Id+FROM+Account`, undefined],
  ['query.more', 'GET', `${V}/query/01g000000000001AAA-2000`, undefined],
  ['collections.create', 'POST', `${V}/composite/sobjects`, { records: [] }],
  ['collections.update', 'PATCH', `${V}/composite/sobjects`, { records: [] }],
  ['collections.upsert', 'PATCH', `${V}/composite/sobjects/Account/Ext_Id__c`, { records: [] }],
  ['sobject.upsert', 'PATCH', `${V}/sobjects/Account/Ext_Id__c/x`, { Name: 'x' }],
  ['bulk.createJob', 'POST', `${V}/jobs/ingest`, { object: 'Account', operation: 'insert' }],
  ['bulk.listJobs', 'GET', `${V}/jobs/ingest`, undefined],
  ['bulk.upload', 'PUT', `${JOB}/batches`, undefined],
  ['bulk.closeJob', 'PATCH', JOB, { state: 'UploadComplete' }],
  ['bulk.jobInfo', 'GET', JOB, undefined],
  ['bulk.deleteJob', 'DELETE', JOB, undefined],
  ['bulk.successfulResults', 'GET', `${JOB}/successfulResults/`, undefined],
  ['bulk.failedResults', 'GET', `${JOB}/failedResults/`, undefined],
  ['bulk.unprocessedRecords', 'GET', `${JOB}/unprocessedrecords/`, undefined],
  ['limits', 'GET', `${V}/limits`, undefined],
  ['resources', 'GET', `${V}/`, undefined],
];

let sf: SalesforceEmulator;
let token: string;

useDataEmulator((emulator, accessToken) => {
  sf = emulator;
  token = accessToken;
});

beforeEach(() => {
  sf.setDailyApiUsage(0);
});

async function hit(route: (typeof ROUTES)[number], accessToken: string) {
  const [, method, path, body] = route;
  return call(sf, method, path, { token: accessToken, ...(body === undefined ? {} : { body }) });
}

describe('sessions and limits on the data routes', () => {
  it('every route answers 401 INVALID_SESSION_ID to an expired session, and counts nothing', async () => {
    const expired = await login(sf);
    sf.expireSession(expired);
    for (const route of ROUTES) {
      const result = await hit(route, expired);
      expect(result.status, route[0]).toBe(401);
      expect(result.headers.get('www-authenticate'), route[0]).toBe('Token');
      expect(result.body, route[0]).toEqual(INVALID_SESSION);
    }
    expect(sf.stats.apiCalls).toBe(0);
    expect(sf.stats.requestsByRoute).toEqual({});
  });

  it('every route uses one API request, reports it in Sforce-Limit-Info and counts under its name', async () => {
    for (const [i, route] of ROUTES.entries()) {
      const result = await hit(route, token);
      expect(result.headers.get('sforce-limit-info'), route[0]).toBe(`api-usage=${i + 1}/15000`);
    }
    expect(sf.stats.requestsByRoute).toEqual(Object.fromEntries(ROUTES.map(([name]) => [name, 1])));
    expect(new Set(ROUTES.map(([name]) => name))).toEqual(new Set(SALESFORCE_ROUTE_NAMES));
  });

  it('403 REQUEST_LIMIT_EXCEEDED once the daily allocation is used up; nothing is written', async () => {
    sf.setDailyApiUsage(15_000);
    const result = await call(sf, 'PATCH', `${V}/composite/sobjects/Account/Ext_Id__c`, {
      token,
      body: { records: accounts(3) },
    });
    expect(result.status).toBe(403);
    expect(result.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(result.headers.get('sforce-limit-info')).toBe('api-usage=15000/15000');
    expect(sf.records('Account')).toHaveLength(0);
    expect(sf.stats.requestsByRoute['collections.upsert']).toBe(1);
    const bulk = await call(sf, 'POST', `${V}/jobs/ingest`, {
      token,
      body: { object: 'Account', operation: 'insert' },
    });
    expect(bulk.status).toBe(403);
  });
});

describe('faults on the data routes', () => {
  it('delivers a 429 with Retry-After as-is, once, then the request goes through', async () => {
    sf.injectFault({ endpoint: 'rest', status: 429, headers: { 'Retry-After': '1' } });
    const path = `${V}/composite/sobjects/Account/Ext_Id__c`;
    const limited = await call(sf, 'PATCH', path, { token, body: { records: accounts(2) } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.text).toBe('');
    expect(sf.records('Account')).toHaveLength(0);
    expect(sf.stats.requestsByRoute).toEqual({});
    const retried = await call(sf, 'PATCH', path, { token, body: { records: accounts(2) } });
    expect(retried.status).toBe(200);
    expect(sf.records('Account')).toHaveLength(2);
  });

  it('a 429 with a JSON body and headers is delivered as-is too', async () => {
    sf.injectFault({
      endpoint: 'rest',
      status: 429,
      headers: { 'Retry-After': '1' },
      body: [{ message: 'slow down', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    const result = await call(sf, 'GET', `${V}/query?q=SELECT+Id+FROM+Account`, { token });
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('1');
    expect(result.body).toEqual([{ message: 'slow down', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
  });

  it('a path filter (string or RegExp) faults only the matching route', async () => {
    sf.injectFault({ endpoint: 'rest', path: '/composite/sobjects', status: 503, times: 2 });
    const query = await call(sf, 'GET', `${V}/query?q=SELECT+Id+FROM+Account`, { token });
    expect(query.status).toBe(200);
    const upsert = await call(sf, 'PATCH', `${V}/composite/sobjects/Account/Ext_Id__c`, {
      token,
      body: { records: [] },
    });
    expect(upsert.status).toBe(503);
    sf.clearFaults();

    // Fault only the job-status route of Bulk API 2.0, not its results or the other job calls.
    sf.injectFault({ endpoint: 'rest', path: /\/jobs\/ingest\/[^/]+$/, status: 500, times: Infinity });
    const created = await call(sf, 'POST', `${V}/jobs/ingest`, {
      token,
      body: { object: 'Account', operation: 'insert' },
    });
    expect(created.status).toBe(200);
    const { id } = created.body as { id: string };
    const uploaded = await call(sf, 'PUT', `${V}/jobs/ingest/${id}/batches`, {
      token,
      raw: 'Name\nA\n',
      contentType: 'text/csv',
    });
    expect(uploaded.status).toBe(201);
    expect((await call(sf, 'GET', `${V}/jobs/ingest/${id}`, { token })).status).toBe(500);
    expect(
      (await call(sf, 'PATCH', `${V}/jobs/ingest/${id}`, { token, body: { state: 'Aborted' } })).status,
    ).toBe(500);
    expect((await call(sf, 'GET', `${V}/jobs/ingest/${id}/unprocessedrecords/`, { token })).status).toBe(200);
    sf.clearFaults();
    expect((await call(sf, 'GET', `${V}/jobs/ingest/${id}`, { token })).status).toBe(200);
  });

  it('a delayed data request still completes normally', async () => {
    sf.injectFault({ endpoint: 'rest', path: /composite/, delayMs: 150 });
    const started = performance.now();
    const result = await call(sf, 'POST', `${V}/composite/sobjects`, {
      token,
      body: { records: [rec('Account', { Name: 'Slow' })] },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(result.status).toBe(200);
    expect(sf.records('Account')).toHaveLength(1);
  });
});
