// SalesforceClient as a caller Lambda uses it: tokens from the real token vendor, run by the Lambda
// Invoke emulator and reached through the real @aws-sdk/client-lambda, and calls to the Salesforce
// emulator over real HTTP. Call counts come from the emulators.
import { describe, expect, it } from 'vitest';
import { SalesforceClient, VendorTokenProvider, type RecordOutcome } from '../../exports/client.js';
import { DEADLINE_SAFETY_MS } from '../../lib/constants.js';
import {
  ConfigurationError,
  DeadlineExceededError,
  SalesforceApiError,
  UnexpectedResponseError,
} from '../../lib/errors.js';
import { stubEnv } from '../helpers/env.js';
import { useVendorStack, VENDOR_FUNCTION } from '../helpers/vendor-stack.js';

const harness = useVendorStack();

/** The error `fn` throws (synchronously). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function insertAccounts(count: number, prefix: string): void {
  for (let i = 0; i < count; i++) {
    harness.stack.salesforce.insertRecord('Account', { Ext_Id__c: `${prefix}-${i}`, Name: `${prefix} ${i}` });
  }
}

/** Every record of a query, read to the end. */
async function drain<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Outcomes as `[ref, created | statusCode]`, to compare a whole batch at a glance. */
const summary = (outcomes: readonly RecordOutcome[]) =>
  outcomes.map((o) => [o.ref, o.ok ? (o.created ? 'created' : 'updated') : o.statusCode]);

describe('options', () => {
  it('names TOKEN_VENDOR_FUNCTION when neither it nor tokenVendor nor tokens is given', () => {
    stubEnv({ TOKEN_VENDOR_FUNCTION: undefined });
    const error = thrown(() => new SalesforceClient());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      code: 'ERR_CONFIGURATION',
      message: expect.stringContaining('TOKEN_VENDOR_FUNCTION is required') as unknown,
      problems: [{ field: 'TOKEN_VENDOR_FUNCTION', problem: 'is required' }],
    });
  });

  it('refuses unknown keys and invalid values, naming the option and never its value', () => {
    const misspelt = thrown(() => new SalesforceClient({ tokenvendor: 'x' } as never));
    expect(misspelt).toMatchObject({ code: 'ERR_CONFIGURATION' });
    expect((misspelt as ConfigurationError).problems.map((p) => p.field)).toEqual(['tokenvendor']);
    const version = thrown(() => new SalesforceClient({ apiVersion: 'v66-secret' }));
    expect(version).toMatchObject({
      code: 'ERR_CONFIGURATION',
      problems: [{ field: 'apiVersion', problem: 'must look like 66.0' }],
    });
    expect((version as Error).message).not.toContain('v66-secret');
    expect(thrown(() => new SalesforceClient({ tokens: {} as never }))).toMatchObject({
      problems: [{ field: 'tokens' }],
    });
    const pasted = thrown(() => new SalesforceClient({ 'secret value pasted as a key': 1 } as never));
    expect((pasted as ConfigurationError).problems).toEqual([
      {
        field: '(a key that is not a field name, not shown)',
        problem: 'is not a known field (check its spelling)',
      },
    ]);
    expect(thrown(() => new SalesforceClient(null as never))).toMatchObject({
      problems: [{ field: 'options', problem: 'must be an object' }],
    });
    expect(thrown(() => new SalesforceClient({ tokenVendor: ' ', apiVersion: 66 as never }))).toMatchObject({
      message:
        'Invalid SalesforceClient options: tokenVendor: must not be empty; apiVersion: must be a string',
    });
    // An option set to undefined is an option left out.
    expect(new SalesforceClient({ tokenVendor: undefined, apiVersion: undefined }).apiVersion).toBe('66.0');
    const both = new VendorTokenProvider({ functionName: VENDOR_FUNCTION });
    expect(thrown(() => new SalesforceClient({ tokenVendor: VENDOR_FUNCTION, tokens: both }))).toMatchObject({
      problems: [{ field: 'tokenVendor', problem: 'must not be set together with tokens' }],
    });
  });

  it('takes option, then env var, then default: apiVersion', () => {
    expect(new SalesforceClient().apiVersion).toBe('66.0');
    stubEnv({ SALESFORCE_API_VERSION: '64.0' });
    expect(new SalesforceClient().apiVersion).toBe('64.0');
    expect(new SalesforceClient({ apiVersion: '65.0' }).apiVersion).toBe('65.0');
    stubEnv({ SALESFORCE_API_VERSION: 'sixty' });
    expect(thrown(() => new SalesforceClient())).toMatchObject({
      problems: [{ field: 'SALESFORCE_API_VERSION' }],
    });
  });

  it('uses the tokens it is given instead of the vendor', async () => {
    stubEnv({ TOKEN_VENDOR_FUNCTION: undefined });
    const tokens = new VendorTokenProvider({ functionName: VENDOR_FUNCTION });
    const client = new SalesforceClient({ tokens });
    expect(client.tokens).toBe(tokens);
    await client.request('GET', '/limits');
    expect(tokens.invocations).toBe(1);
  });
});

describe('the token vendor', () => {
  it('is named by its ARN as well as by its name', async () => {
    const arn = `arn:aws:lambda:${harness.lambda.region}:000000000000:function:${VENDOR_FUNCTION}`;
    const before = harness.vendorInvocations();
    const { status } = await new SalesforceClient({ tokenVendor: arn }).request('GET', '/limits');
    expect(status).toBe(200);
    expect(harness.vendorInvocations() - before).toBe(1);
  });

  it("fails a call with the vendor's error type when the vendor fails, and calls no Salesforce API", async () => {
    harness.lambda.injectFault({ functionName: VENDOR_FUNCTION, type: 'FunctionError', message: 'boom' });
    const client = new SalesforceClient();
    await expect(client.request('GET', '/limits')).rejects.toMatchObject({
      code: 'ERR_TOKEN_VENDOR',
      vendorErrorType: expect.any(String) as unknown,
    });
    expect(client.apiCalls).toBe(0);
  });
});

describe('request', () => {
  it('calls Salesforce with a token from the vendor and keeps Sforce-Limit-Info', async () => {
    const client = new SalesforceClient();
    const { status, body } = await client.request<Record<string, unknown>>('GET', '/limits');
    expect(status).toBe(200);
    expect(body).toHaveProperty('DailyApiRequests');
    expect(client.apiCalls).toBe(1);
    expect(client.apiUsage?.limit).toBeGreaterThan(0);
  });

  it("fails with Salesforce's error as a SalesforceApiError", async () => {
    const error: unknown = await new SalesforceClient()
      .request('GET', '/sobjects/NoSuchThing__c/describe')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ code: 'ERR_SALESFORCE_API', status: 404 });
  });
});

describe('the deadline', () => {
  it('remainingMs(): the time left before the deadline less the safety margin, Infinity without one', () => {
    expect(new SalesforceClient().remainingMs()).toBe(Number.POSITIVE_INFINITY);
    const deadline = Date.now() + 60_000;
    const remaining = new SalesforceClient({ deadline: () => deadline }).remainingMs();
    expect(remaining).toBeLessThanOrEqual(60_000 - DEADLINE_SAFETY_MS);
    expect(remaining).toBeGreaterThan(0);
    expect(new SalesforceClient({ deadline: () => Date.now() }).remainingMs()).toBeLessThanOrEqual(
      -DEADLINE_SAFETY_MS,
    );
  });

  it('bounds the token refresh after a 401 too: a held vendor ends the call with DeadlineExceededError', async () => {
    let deadline = Number.POSITIVE_INFINITY;
    const client = new SalesforceClient({ deadline: () => deadline });
    await client.request('GET', '/limits');
    harness.stack.salesforce.expireAllSessions();
    harness.lambda.holdInvocations(VENDOR_FUNCTION);
    try {
      deadline = Date.now() + DEADLINE_SAFETY_MS + 300;
      await expect(client.request('GET', '/limits')).rejects.toBeInstanceOf(DeadlineExceededError);
      // The call that met the 401, and no retry: the refreshed token never came.
      expect(client.apiCalls).toBe(2);
    } finally {
      // The abandoned invoke still runs once released: let it finish within this test.
      harness.lambda.releaseInvocations();
      await harness.lambda.whenIdle();
    }
    deadline = Number.POSITIVE_INFINITY;
    expect((await client.request('GET', '/limits')).status).toBe(200);
  });
});

describe('query', () => {
  it('follows nextRecordsUrl one page at a time, fetching a page only when the loop reaches it', async () => {
    insertAccounts(450, 'page');
    const routes = harness.stack.salesforce.stats.requestsByRoute;
    const fetched = () => [routes.query ?? 0, routes['query.more'] ?? 0];
    const [queries, more] = fetched();
    const client = new SalesforceClient();
    const records = client.query<{ Name: string }>('SELECT Id, Name FROM Account', { batchSize: 200 });
    const seen: { name: string; fetched: number[] }[] = [];
    for await (const record of records) {
      const [q = 0, m = 0] = fetched();
      seen.push({ name: record.Name, fetched: [q - (queries ?? 0), m - (more ?? 0)] });
    }
    expect(seen.map((s) => s.name)).toEqual(Array.from({ length: 450 }, (_, i) => `page ${i}`));
    // Pages of 200: the second is fetched when record 200 is reached, the third at record 400.
    expect(seen[0]?.fetched).toEqual([1, 0]);
    expect(seen[199]?.fetched).toEqual([1, 0]);
    expect(seen[200]?.fetched).toEqual([1, 1]);
    expect(seen[399]?.fetched).toEqual([1, 1]);
    expect(seen[400]?.fetched).toEqual([1, 2]);
    expect(seen[449]?.fetched).toEqual([1, 2]);
    expect(client.apiCalls).toBe(3);
  });

  it('goes on with a new token when the session ends between pages', async () => {
    insertAccounts(300, 'expiry');
    const client = new SalesforceClient();
    let logins = 0;
    let count = 0;
    for await (const _ of client.query('SELECT Name FROM Account', { batchSize: 200 })) {
      count += 1;
      // The first page is in hand; its session ends before the second page is asked for.
      if (count === 1) {
        logins = harness.stack.salesforce.stats.logins;
        harness.stack.salesforce.expireAllSessions();
      }
    }
    expect(count).toBe(300);
    expect(harness.stack.salesforce.stats.logins - logins).toBe(1);
  });

  it('asks for no further page once the loop stops', async () => {
    insertAccounts(450, 'stop');
    const client = new SalesforceClient();
    for await (const record of client.query('SELECT Name FROM Account', { batchSize: 200 })) {
      expect(record).toMatchObject({ Name: 'stop 0', attributes: { type: 'Account' } });
      break;
    }
    expect(client.apiCalls).toBe(1);
  });

  it('passes WHERE and LIMIT to Salesforce', async () => {
    insertAccounts(5, 'where');
    const client = new SalesforceClient();
    const names: unknown[] = [];
    for await (const r of client.query("SELECT Name FROM Account WHERE Ext_Id__c = 'where-3' LIMIT 1")) {
      names.push(r.Name);
    }
    expect(names).toEqual(['where 3']);
  });

  it("reports a SOQL error with Salesforce's errorCode", async () => {
    const iterate = () => drain(new SalesforceClient().query('SELECT Nope__c FROM Account'));
    await expect(iterate()).rejects.toMatchObject({ code: 'ERR_SALESFORCE_API', errorCode: 'INVALID_FIELD' });
  });

  it('refuses a batch size Salesforce does not take, before any call', async () => {
    const client = new SalesforceClient();
    const iterate = () => drain(client.query('SELECT Name FROM Account', { batchSize: 100 }));
    await expect(iterate()).rejects.toBeInstanceOf(ConfigurationError);
    expect(client.apiCalls).toBe(0);
  });

  it('refuses a page whose nextRecordsUrl leaves the REST API', async () => {
    const page = { done: false, totalSize: 2, records: [], nextRecordsUrl: 'https://elsewhere.example/x' };
    harness.stack.salesforce.injectFault({ endpoint: 'rest', path: '/query', status: 200, body: page });
    const iterate = () => drain(new SalesforceClient().query('SELECT Name FROM Account'));
    await expect(iterate()).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});

describe('upsert', () => {
  it('returns one outcome per record, in input order, failures included', async () => {
    harness.stack.salesforce.insertRecord('Account', { Ext_Id__c: 'u-1', Name: 'Before' });
    const outcomes = await new SalesforceClient().upsert('Account', 'Ext_Id__c', [
      { Ext_Id__c: 'u-0', Name: 'New' },
      { Ext_Id__c: 'u-1', Name: 'After' },
      { Name: 'No external ID' },
      { Ext_Id__c: 'u-3', Name: 'Bad email', Email__c: 'not-an-email' },
      { Ext_Id__c: 'u-4' },
      { 'not a field': 1 },
      // The first record's external ID in another case: never merged, but written after it, where
      // Account's case-insensitive Ext_Id__c matches it to the same record.
      { Ext_Id__c: 'U-0', Phone: '555-0100' },
    ]);
    expect(summary(outcomes)).toEqual([
      ['0', 'created'],
      ['1', 'updated'],
      ['2', 'MISSING_EXTERNAL_ID'],
      ['3', 'INVALID_EMAIL_ADDRESS'],
      ['4', 'REQUIRED_FIELD_MISSING'],
      ['5', 'INVALID_RECORD'],
      ['6', 'updated'],
    ]);
    expect(outcomes[4]).toMatchObject({ ok: false, fields: ['Name'] });
    const first = outcomes[0];
    expect(first?.ok && outcomes[6]?.ok && first.id === outcomes[6].id).toBe(true);
    expect(harness.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'u-0')).toMatchObject({
      Name: 'New',
      Phone: '555-0100',
    });
    expect(harness.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'u-1')).toMatchObject({
      Name: 'After',
    });
  });

  it('goes through Bulk API 2.0 above the threshold, with the same outcomes', async () => {
    const routes = harness.stack.salesforce.stats.requestsByRoute;
    const jobs = routes['bulk.createJob'] ?? 0;
    const outcomes = await new SalesforceClient().upsert(
      'Account',
      'Ext_Id__c',
      [{ Ext_Id__c: 'b-0', Name: 'Bulk 0' }, { Ext_Id__c: 'b-1' }, { Ext_Id__c: 'b-2', Name: 'Bulk 2' }],
      { bulkThreshold: 2 },
    );
    expect(routes['bulk.createJob']).toBe(jobs + 1);
    expect(summary(outcomes)).toEqual([
      ['0', 'created'],
      ['1', 'REQUIRED_FIELD_MISSING'],
      ['2', 'created'],
    ]);
  });

  it('refuses an sObject or field name that is not an API name, and bad options, before any call', async () => {
    const client = new SalesforceClient();
    await expect(client.upsert('Account/../x', 'Ext_Id__c', [])).rejects.toMatchObject({
      code: 'ERR_CONFIGURATION',
      problems: [{ field: 'sobject' }],
    });
    const records = [{ Ext_Id__c: 'o-1', Name: 'Options' }];
    await expect(
      client.upsert('Account', 'Ext_Id__c', records, { concurrency: 0, bulkThreshold: -1 }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIGURATION',
      message:
        'Invalid upsert: bulkThreshold: must be a whole number, 0 or more; concurrency: must be a whole number, 1 or more',
    });
    expect(client.apiCalls).toBe(0);
  });
});

describe('one container, many calls', () => {
  it('1,000 concurrent first calls cause one vendor invoke', async () => {
    const before = harness.vendorInvocations();
    const client = new SalesforceClient();
    const responses = await Promise.all(Array.from({ length: 1000 }, () => client.request('GET', '/limits')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(harness.vendorInvocations() - before).toBe(1);
    expect(client.apiCalls).toBe(1000);
  });

  it('50 concurrent requests meeting 401 after a session expiry cause one vendor refresh and one login', async () => {
    const client = new SalesforceClient();
    await client.request('GET', '/limits');
    harness.stack.salesforce.expireAllSessions();
    const invocations = harness.vendorInvocations();
    const logins = harness.stack.salesforce.stats.logins;
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.request('GET', '/limits')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(harness.vendorInvocations() - invocations).toBe(1);
    expect(harness.stack.salesforce.stats.logins - logins).toBe(1);
    // Each request met the 401 once and was retried once with the new token.
    expect(client.apiCalls).toBe(1 + 50 * 2);
  });
});
