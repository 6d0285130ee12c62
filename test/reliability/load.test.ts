// Load and soak in one container: concurrency does not multiply logins, warm invocations do not
// grow memory or listeners, and an SQS batch of 10,000 messages (the maximum with a batching
// window) is written whole. Numbers (times, memory) are for `npm run bench`; here we assert
// behaviour and bounds only.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';

let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

beforeAll(async () => {
  stack = await startLocalStack();
  output = captureOutput();
});

/** Counters of the shared stack: tests compare them before and after, so any order works. */
function counts() {
  return {
    logins: stack.salesforce.stats.logins,
    secretFetches: stack.secretsManager.calls.GetSecretValue ?? 0,
  };
}

afterAll(async () => {
  output.restore();
  await stack.close();
});

describe('token vendor under load', () => {
  it('1,000 concurrent invocations on a cold container: exactly 1 login and 1 secret fetch', async () => {
    const { handler } = await coldStart<{ handler: (e: unknown, c: unknown) => Promise<VendorResponse> }>(
      '../../functions/token-vendor.js',
      {
        ...stack.env,
        SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
    );
    const before = counts();
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, () => handler({}, lambdaContext('token-vendor'))),
    );
    expect(counts()).toEqual({ logins: before.logins + 1, secretFetches: before.secretFetches + 1 });
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
  });

  it('10,000 warm invocations: heap stays flat and no listener is added', async () => {
    const { handler } = await coldStart<{ handler: (e: unknown, c: unknown) => Promise<VendorResponse> }>(
      '../../functions/token-vendor.js',
      {
        ...stack.env,
        SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
    );
    const context = lambdaContext('token-vendor');
    for (let i = 0; i < 500; i += 1) await handler({}, context);
    const listeners =
      process.listenerCount('exit') +
      process.listenerCount('uncaughtException') +
      process.listenerCount('unhandledRejection');
    const before = heapAfterGc();
    for (let i = 0; i < 10_000; i += 1) await handler({}, context);
    const growth = heapAfterGc() - before;
    expect(growth).toBeLessThan(2 * 1024 * 1024);
    expect(
      process.listenerCount('exit') +
        process.listenerCount('uncaughtException') +
        process.listenerCount('unhandledRejection'),
    ).toBe(listeners);
  });
});

describe('sqs-sync under load', () => {
  it('a batch of 10,000 messages is written whole, through Bulk API 2.0', async () => {
    const { handler } = await coldStart<{ handler: (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse> }>(
      '../../functions/sqs-sync.js',
      {
        ...stack.env,
        SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
        TOKEN_VENDOR_FUNCTION: undefined,
        SYNC_SOBJECT: 'Account',
        SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
    );
    stack.salesforce.clearRecords();
    const uploads = () => stack.salesforce.stats.requestsByRoute['bulk.upload'] ?? 0;
    const uploadsBefore = uploads();
    const response = await handler(sqsEvent(accounts(10_000, 'load')), lambdaContext('sqs-sync', 120_000));
    expect(response.batchItemFailures).toEqual([]);
    expect(stack.salesforce.records('Account')).toHaveLength(10_000);
    expect(uploads() - uploadsBefore).toBe(1);
  });
});
