// External IDs that differ only in case are never merged by us: Salesforce decides whether they
// are one record (a Unique, case-insensitive field) or two (a case-sensitive one), through the
// real handlers and the emulator's own matching.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import type { SyncSummary } from '../../lib/sync/scheduled-sync.js';
import { coldStart, lambdaContext } from '../helpers/lambda.js';
import { startSourceServer } from '../helpers/source-server.js';
import { sqsEvent } from '../helpers/sqs.js';

type SqsHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
type ScheduledHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SyncSummary>;

let stack: LocalStack;
let source: Awaited<ReturnType<typeof startSourceServer>>;

/** A custom object whose external ID is Unique and case-sensitive, beside Account's default one. */
function defineMembers() {
  stack.salesforce.defineSObject('Member__c', {
    fields: {
      Code__c: { type: 'string', length: 40, externalId: true, unique: true, caseSensitive: true },
      Phone__c: { type: 'phone' },
    },
  });
}

function env(sobject: string, externalIdField: string, bulkThreshold: string | undefined) {
  return {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOBJECT: sobject,
    SYNC_EXTERNAL_ID_FIELD: externalIdField,
    SYNC_BULK_THRESHOLD: bulkThreshold,
    SYNC_SOURCE_URL: source.url,
    SYNC_DRY_RUN: undefined,
    TOKEN_VENDOR_FUNCTION: undefined,
  };
}

async function sqsSync(sobject: string, externalIdField: string, bulkThreshold?: string) {
  const { handler } = await coldStart<{ handler: SqsHandler }>(
    '../../functions/sqs-sync.js',
    env(sobject, externalIdField, bulkThreshold),
  );
  return (event: SQSEvent) => handler(event, lambdaContext('sqs-sync', 60_000));
}

async function scheduledSync(sobject: string, externalIdField: string, bulkThreshold?: string) {
  const { handler } = await coldStart<{ handler: ScheduledHandler }>(
    '../../functions/scheduled-sync.js',
    env(sobject, externalIdField, bulkThreshold),
  );
  return handler({}, lambdaContext('scheduled-sync', 120_000));
}

const sorted = (records: Record<string, unknown>[], key: string) =>
  records
    .map((r) => ({ key: r[key], Name: r.Name, Phone: r.Phone ?? r.Phone__c }))
    .sort((a, b) => String(a.key).localeCompare(String(b.key)));

beforeAll(async () => {
  [stack, source] = await Promise.all([startLocalStack(), startSourceServer()]);
});

afterAll(async () => {
  await Promise.all([stack.close(), source.close()]);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
  defineMembers();
});

// Bulk threshold 1 sends the same three messages through Bulk API 2.0 instead of Collections.
describe.each([
  ['sObject Collections', undefined],
  ['Bulk API 2.0', '1'],
])('external IDs differing only in case, through %s', (_api, bulkThreshold) => {
  it('sqs-sync: on a case-sensitive field "MiX1" and "mix1" stay two records, each with its own fields', async () => {
    const invoke = await sqsSync('Member__c', 'Code__c', bulkThreshold);
    const response = await invoke(
      sqsEvent([
        { record: { Code__c: 'MiX1', Name: 'upper', Phone__c: '1' } },
        { record: { Code__c: 'mix1', Name: 'lower' } },
        { record: { Code__c: 'other', Name: 'unrelated' } },
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(sorted(stack.salesforce.records('Member__c'), 'Code__c')).toEqual([
      { key: 'mix1', Name: 'lower', Phone: null },
      { key: 'MiX1', Name: 'upper', Phone: '1' },
      { key: 'other', Name: 'unrelated', Phone: null },
    ]);
  });

  it('sqs-sync: on a case-insensitive field they are one record and the later change wins, field by field', async () => {
    const invoke = await sqsSync('Account', 'Ext_Id__c', bulkThreshold);
    const response = await invoke(
      sqsEvent([
        { record: { Ext_Id__c: 'MiX1', Name: 'first', Phone: '1' } },
        { record: { Ext_Id__c: 'mix1', Name: 'second' } },
        { record: { Ext_Id__c: 'MIX1', Name: 'third', Description: 'last' } },
        { record: { Ext_Id__c: 'MiX1', Name: 'fourth' } },
        { record: { Ext_Id__c: 'other', Name: 'unrelated' } },
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    const records = stack.salesforce.records('Account');
    expect(records).toHaveLength(2);
    expect(records.find((r) => String(r.Ext_Id__c).toLowerCase() === 'mix1')).toMatchObject({
      Name: 'fourth',
      Phone: '1',
      Description: 'last',
    });
  });

  it('scheduled-sync: the same holds for a source', async () => {
    source.serve(
      JSON.stringify([
        { Code__c: 'MiX1', Name: 'upper', Phone__c: '1' },
        { Code__c: 'mix1', Name: 'lower' },
        { Code__c: 'MiX1', Name: 'upper again' },
      ]),
    );
    const summary = await scheduledSync('Member__c', 'Code__c', bulkThreshold);
    expect(summary).toMatchObject({ read: 3, failed: 0 });
    expect(sorted(stack.salesforce.records('Member__c'), 'Code__c')).toEqual([
      { key: 'mix1', Name: 'lower', Phone: null },
      { key: 'MiX1', Name: 'upper again', Phone: '1' },
    ]);
  });
});
