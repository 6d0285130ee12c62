// SALESFORCE_API_BUDGET_PERCENT through the real sync handlers: once the org's usage reaches the
// budget, no more writes are sent, the records left are failed as API_BUDGET_EXHAUSTED (SQS:
// batchItemFailures, so they come back later), and ApiBudgetExhausted is published.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { BatchFailedError } from '../../lib/errors.js';
import type { SyncSummary } from '../../lib/sync/scheduled-sync.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { startSourceServer } from '../helpers/source-server.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';

type SqsHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
type ScheduledHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SyncSummary>;

/** The emulator's default daily allocation. */
const LIMIT = 15_000;

let stack: LocalStack;
let source: Awaited<ReturnType<typeof startSourceServer>>;
let output: ReturnType<typeof captureOutput>;

function env(extra: Record<string, string | undefined>) {
  return {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    SYNC_SOURCE_URL: source.url,
    SYNC_BULK_THRESHOLD: undefined,
    SYNC_COLLECTIONS_CONCURRENCY: undefined,
    SYNC_DRY_RUN: undefined,
    SALESFORCE_API_BUDGET_PERCENT: undefined,
    TOKEN_VENDOR_FUNCTION: undefined,
    ...extra,
  };
}

async function sqsSync(extra: Record<string, string | undefined> = {}) {
  const { handler } = await coldStart<{ handler: SqsHandler }>('../../functions/sqs-sync.js', env(extra));
  return (event: SQSEvent) => handler(event, lambdaContext('sqs-sync', 60_000));
}

const calls = (route: string) => stack.salesforce.stats.requestsByRoute[route] ?? 0;

/** The last EMF document the named service printed. */
function lastMetrics(service: string) {
  return output
    .lines()
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => '_aws' in l && l.service === service)
    .at(-1);
}

beforeAll(async () => {
  [stack, source] = await Promise.all([startLocalStack(), startSourceServer()]);
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), source.close()]);
  expect(output.text()).not.toMatch(/00D\w{12}!/);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
  stack.salesforce.setDailyApiUsage(0);
});

describe('API budget (SALESFORCE_API_BUDGET_PERCENT, default 90)', () => {
  it('sqs-sync: writes stop once Sforce-Limit-Info reaches 90%; the rest come back as batchItemFailures', async () => {
    const invoke = await sqsSync({ SYNC_COLLECTIONS_CONCURRENCY: '1' });
    await invoke(sqsEvent(accounts(1, 'warm')));
    // Two calls from 90% (13,500): chunks 1 and 2 are sent, and the second's Sforce-Limit-Info
    // (13,500/15,000) stops chunks 3 and 4 before they leave.
    stack.salesforce.setDailyApiUsage(0.9 * LIMIT - 2);
    const before = calls('collections.upsert');
    const event = sqsEvent(accounts(650, 'budget'));
    const result = await invoke(event);
    expect(calls('collections.upsert') - before).toBe(2);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      event.Records.slice(400).map((r) => r.messageId),
    );
    expect(stack.salesforce.records('Account')).toHaveLength(401);
    // The org keeps its last 10%: Salesforce never had to refuse anything.
    expect(stack.salesforce.stats.apiCalls).toBeLessThan(LIMIT);
    const warned = output
      .lines()
      .filter((l) => l.includes('message not written to Salesforce') && l.includes('budget-649'));
    const last = JSON.parse(warned.at(-1) ?? '{}') as { statusCode?: string; error?: string };
    expect(last.statusCode).toBe('API_BUDGET_EXHAUSTED');
    expect(last.error).toMatch(
      /13500 of its 15000 daily API requests \(90%\).*SALESFORCE_API_BUDGET_PERCENT/,
    );
    expect(lastMetrics('sf-sqs-sync')).toMatchObject({ ApiBudgetExhausted: 1, RecordsFailed: 250 });
    // Below the budget, the metric reads 0 (a new container: this one trusts its reading of 90%
    // for up to 5 minutes, and Salesforce's window rolls over 24 hours).
    stack.salesforce.setDailyApiUsage(0);
    await (
      await sqsSync()
    )(sqsEvent(accounts(1, 'after')));
    expect(lastMetrics('sf-sqs-sync')).toMatchObject({ ApiBudgetExhausted: 0 });
  });

  it('sqs-sync on a cold container: GET /limits before the first write; at 95% nothing is written and the batch is retried', async () => {
    stack.salesforce.setDailyApiUsage(0.95 * LIMIT);
    const invoke = await sqsSync();
    const limitsBefore = calls('limits');
    const writesBefore = calls('collections.upsert');
    await expect(invoke(sqsEvent(accounts(5, 'cold')))).rejects.toMatchObject({
      code: BatchFailedError.code,
    });
    expect(calls('limits') - limitsBefore).toBe(1);
    expect(calls('collections.upsert') - writesBefore).toBe(0);
    expect(stack.salesforce.records('Account')).toHaveLength(0);
    expect(lastMetrics('sf-sqs-sync')).toMatchObject({ ApiBudgetExhausted: 1, RecordsFailed: 5 });
  });

  it('a higher budget lets the same usage through (SALESFORCE_API_BUDGET_PERCENT=99)', async () => {
    stack.salesforce.setDailyApiUsage(0.95 * LIMIT);
    const invoke = await sqsSync({ SALESFORCE_API_BUDGET_PERCENT: '99' });
    const result = await invoke(sqsEvent(accounts(5, 'roomy')));
    expect(result.batchItemFailures).toEqual([]);
    expect(stack.salesforce.records('Account')).toHaveLength(5);
  });

  it('sqs-sync through Bulk API 2.0: no job is created once the budget is spent', async () => {
    stack.salesforce.setDailyApiUsage(0.9 * LIMIT);
    const invoke = await sqsSync({ SYNC_BULK_THRESHOLD: '2' });
    const jobsBefore = calls('bulk.createJob');
    const event = sqsEvent(accounts(5, 'bulk'));
    await expect(invoke(event)).rejects.toMatchObject({ code: BatchFailedError.code });
    expect(calls('bulk.createJob') - jobsBefore).toBe(0);
    const statuses = output
      .lines()
      .filter((l) => l.includes('message not written to Salesforce') && l.includes('bulk-'))
      .map((l) => (JSON.parse(l) as { statusCode: string }).statusCode);
    expect(statuses.slice(-5)).toEqual(Array(5).fill('API_BUDGET_EXHAUSTED'));
  });

  it('scheduled-sync: the summary and the metric count the records the budget held back', async () => {
    stack.salesforce.setDailyApiUsage(0.92 * LIMIT);
    source.serve(JSON.stringify(accounts(30, 'sched').map((a) => a.record)));
    const { handler } = await coldStart<{ handler: ScheduledHandler }>(
      '../../functions/scheduled-sync.js',
      env({}),
    );
    const summary = await handler({}, lambdaContext('scheduled-sync', 120_000));
    expect(summary).toMatchObject({ read: 30, failed: 30, created: 0 });
    expect(summary.failures[0]).toMatchObject({ statusCode: 'API_BUDGET_EXHAUSTED' });
    expect(stack.salesforce.records('Account')).toHaveLength(0);
    expect(lastMetrics('sf-scheduled-sync')).toMatchObject({ ApiBudgetExhausted: 1 });
  });
});
