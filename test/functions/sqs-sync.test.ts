import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { BatchFailedError } from '../../lib/errors.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;

async function sqsSync(env: Record<string, string | undefined> = {}) {
  const { handler } = await coldStart<{ handler: Handler }>('../../functions/sqs-sync.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    SYNC_COLLECTIONS_CONCURRENCY: undefined,
    TOKEN_VENDOR_FUNCTION: undefined,
    ...env,
  });
  return (event: SQSEvent) => handler(event, lambdaContext('sqs-sync', 60_000));
}

const collectionsCalls = () => stack.salesforce.stats.requestsByRoute['collections.upsert'] ?? 0;
const failedIds = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

async function measure<T>(fn: () => Promise<T>) {
  const before = { logins: stack.salesforce.stats.logins, calls: collectionsCalls() };
  const result = await fn();
  return {
    result,
    logins: stack.salesforce.stats.logins - before.logins,
    collectionsCalls: collectionsCalls() - before.calls,
  };
}

beforeAll(async () => {
  stack = await startLocalStack();
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await stack.close();
  expect(output.text()).not.toMatch(/00D\w{12}!/);
  expect(output.text()).not.toMatch(/PRIVATE KEY/);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
});

describe('sqs-sync', () => {
  it('a 10-message batch with an unparseable body, an unknown field and a missing required field: exactly those 3 fail', async () => {
    const invoke = await sqsSync();
    const bodies: (string | object)[] = accounts(7, 'ok');
    bodies.splice(2, 0, '{"record": {"Ext_Id__c": "broken"');
    bodies.splice(5, 0, { record: { Ext_Id__c: 'unknown-field', Name: 'X', Nickname__c: 'nope' } });
    bodies.splice(8, 0, { record: { Ext_Id__c: 'no-name' } });
    const event = sqsEvent(bodies);
    const response = await invoke(event);
    const ids = event.Records.map((r) => r.messageId);
    expect(failedIds(response).sort()).toEqual([ids[2], ids[5], ids[8]].sort());
    const written = stack.salesforce
      .records('Account')
      .map((r) => r.Ext_Id__c)
      .sort();
    expect(written).toEqual(
      accounts(7, 'ok')
        .map((a) => a.record.Ext_Id__c)
        .sort(),
    );
    // Each failure is logged with its messageId, external ID and Salesforce's statusCode and message.
    const lines = output.lines().filter((l) => l.includes('message not written to Salesforce'));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.messageId === ids[8])).toMatchObject({
      externalId: 'no-name',
      statusCode: 'REQUIRED_FIELD_MISSING',
      error: expect.stringContaining('Required fields are missing') as unknown,
    });
    expect(logged.find((l) => l.messageId === ids[5])).toMatchObject({
      externalId: 'unknown-field',
      statusCode: 'INVALID_FIELD',
    });
    expect(logged.find((l) => l.messageId === ids[2])).toMatchObject({ statusCode: 'INVALID_JSON' });
  });

  it('1,000 messages: at most 5 Collections calls and 1 login on a cold container', async () => {
    const invoke = await sqsSync();
    const event = sqsEvent(accounts(1000, 'bulk'));
    const { result, logins, collectionsCalls: calls } = await measure(() => invoke(event));
    expect(result.batchItemFailures).toEqual([]);
    expect(calls).toBeLessThanOrEqual(5);
    expect(logins).toBe(1);
    expect(stack.salesforce.records('Account')).toHaveLength(1000);
    // Metrics go out as CloudWatch EMF on the last line of the invocation.
    const emf = output
      .lines()
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => '_aws' in l)
      .at(-1);
    expect(emf).toMatchObject({ service: 'sf-sqs-sync', RecordsWritten: 1000, RecordsFailed: 0, Logins: 1 });
    // Every request counts: the Collections calls and the API budget's GET /limits, read once on a
    // cold container before its first write.
    expect(emf?.ApiCalls).toBe(calls + 1);
  });

  it('a Bulk job that fails part way: messages whose records were written are not in batchItemFailures', async () => {
    const invoke = await sqsSync({ SYNC_BULK_THRESHOLD: '5' });
    const event = sqsEvent(accounts(10, 'partial'));
    stack.salesforce.injectBulkFault({
      outcome: 'Failed',
      afterRows: 4,
      errorMessage: 'InvalidBatch : simulated',
    });
    const response = await invoke(event);
    const written = new Set(stack.salesforce.records('Account').map((r) => r.Ext_Id__c));
    expect(written.size).toBe(4);
    const failed = new Set(failedIds(response));
    expect(failed.size).toBe(6);
    event.Records.forEach((record) => {
      const externalId = (JSON.parse(record.body) as { record: { Ext_Id__c: string } }).record.Ext_Id__c;
      // Exactly one of: written to Salesforce, or handed back to SQS for a retry.
      expect(written.has(externalId)).toBe(!failed.has(record.messageId));
    });
  });

  it('a session expiring mid-batch: one re-login, nothing failed', async () => {
    const invoke = await sqsSync();
    await invoke(sqsEvent(accounts(1, 'warm')));
    // The session is revoked the moment the batch's first Collections call goes out: that call
    // (and any sent alongside it with the same token) meets an expired session.
    const realFetch = globalThis.fetch;
    let expired = 0;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (expired === 0 && url.includes('/composite/sobjects')) {
        stack.salesforce.expireAllSessions();
        expired += 1;
      }
      return realFetch(input, init);
    });
    try {
      const { result, logins } = await measure(() => invoke(sqsEvent(accounts(1000, 'mid'))));
      expect(expired).toBe(1);
      expect(result.batchItemFailures).toEqual([]);
      expect(logins).toBe(1);
      expect(stack.salesforce.records('Account')).toHaveLength(1001);
    } finally {
      spy.mockRestore();
    }
  });

  it('two changes to the same external ID in one batch: both succeed and the later one wins', async () => {
    const invoke = await sqsSync();
    const event = sqsEvent([
      { record: { Ext_Id__c: 'dup-1', Name: 'first', Phone: '111' } },
      { record: { Ext_Id__c: 'dup-1', Name: 'second' } },
    ]);
    expect((await invoke(event)).batchItemFailures).toEqual([]);
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'dup-1')).toMatchObject({
      Name: 'second',
      Phone: '111',
    });
  });

  it('messages name their own sobject and external ID field, and are grouped by them', async () => {
    const invoke = await sqsSync({ SYNC_SOBJECT: undefined, SYNC_EXTERNAL_ID_FIELD: undefined });
    const event = sqsEvent([
      {
        sobject: 'Contact',
        externalIdField: 'Ext_Id__c',
        record: { Ext_Id__c: 'c-1', LastName: 'Lovelace' },
      },
      { sobject: 'Account', externalIdField: 'Ext_Id__c', record: { Ext_Id__c: 'a-1', Name: 'Acme' } },
      { record: { Ext_Id__c: 'no-target', Name: 'x' } },
    ]);
    const response = await invoke(event);
    expect(failedIds(response)).toEqual([event.Records[2]?.messageId]);
    expect(stack.salesforce.findRecord('Contact', 'Ext_Id__c', 'c-1')).toMatchObject({
      LastName: 'Lovelace',
    });
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'a-1')).toMatchObject({ Name: 'Acme' });
  });

  it('REQUEST_LIMIT_EXCEEDED: the affected records are reported failed and no further call is made', async () => {
    // The budget at 100% and a reading from the warm call, before other users spent the rest of
    // the allocation: the first chunk meets Salesforce's 403, and no other chunk is sent.
    const invoke = await sqsSync({ SYNC_COLLECTIONS_CONCURRENCY: '1', SALESFORCE_API_BUDGET_PERCENT: '100' });
    await invoke(sqsEvent(accounts(1, 'warm')));
    stack.salesforce.setDailyApiUsage(15_000);
    const event = sqsEvent([...accounts(650, 'limit')]);
    const { result, collectionsCalls: calls } = await measure(() =>
      invoke(event).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    expect(calls).toBe(1);
    expect(result).toMatchObject({ code: BatchFailedError.code });
    const refused = output
      .lines()
      .filter((l) => l.includes('message not written to Salesforce') && l.includes('limit-'))
      .map((l) => (JSON.parse(l) as { statusCode: string }).statusCode);
    expect(new Set(refused)).toEqual(new Set(['REQUEST_LIMIT_EXCEEDED']));
    expect(refused).toHaveLength(650);
    expect(stack.salesforce.records('Account')).toHaveLength(1);
    stack.salesforce.setDailyApiUsage(0);
  });

  it('5xx and 429 with Retry-After are retried; nothing is lost', async () => {
    const invoke = await sqsSync();
    stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /composite\/sobjects/,
      status: 503,
      rawBody: 'Service Unavailable',
    });
    stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /composite\/sobjects/,
      status: 429,
      headers: { 'Retry-After': '1' },
      body: [{ message: 'slow down', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    const started = Date.now();
    const response = await invoke(sqsEvent(accounts(20, 'retry')));
    expect(response.batchItemFailures).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(stack.salesforce.records('Account')).toHaveLength(20);
  });

  it('a whole-request 400 caused by one record (wrong type) fails only that record', async () => {
    const invoke = await sqsSync();
    const bodies = accounts(200, 'typed', (i) => ({ AnnualRevenue: i === 137 ? 'lots' : i }));
    const event = sqsEvent(bodies);
    const { result, collectionsCalls: calls } = await measure(() => invoke(event));
    expect(failedIds(result)).toEqual([event.Records[137]?.messageId]);
    expect(stack.salesforce.records('Account')).toHaveLength(199);
    expect(calls).toBeLessThanOrEqual(1 + 2 * 8);
  });

  it('FIFO: after a failure, later messages of the same group fail too; other groups are unaffected', async () => {
    const invoke = await sqsSync();
    const bodies = [
      { record: { Ext_Id__c: 'A-1', Name: 'a1' } },
      { record: { Ext_Id__c: 'B-1', Name: 'b1' } },
      { record: { Ext_Id__c: 'A-2' } },
      { record: { Ext_Id__c: 'B-2', Name: 'b2' } },
      { record: { Ext_Id__c: 'A-3', Name: 'a3' } },
    ];
    const event = sqsEvent(bodies, { groupId: (i) => (i % 2 === 0 ? 'group-A' : 'group-B') });
    const response = await invoke(event);
    const ids = event.Records.map((r) => r.messageId);
    expect(failedIds(response)).toEqual([ids[2], ids[4]]);
  });

  it('a batch where every message fails throws, so Lambda retries it whole', async () => {
    const invoke = await sqsSync();
    await expect(invoke(sqsEvent(['not json', '{"record": {}}']))).rejects.toMatchObject({
      code: 'ERR_BATCH_FAILED',
    });
  });
});
