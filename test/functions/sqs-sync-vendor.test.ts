// The vendor path: the sync function holds no secret and gets tokens by invoking the token
// vendor through the real Lambda client, against the Lambda Invoke emulator running the real
// vendor handler in-process.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LambdaEmulator } from '../../emulators/lambda/lambda-emulator.js';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { useEnv } from '../helpers/env.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';

type SqsHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
type VendorHandler = (event: unknown, context: unknown) => Promise<unknown>;

let stack: LocalStack;
let lambda: LambdaEmulator;
let output: ReturnType<typeof captureOutput>;
let invoke: (event: SQSEvent) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  [stack, lambda] = await Promise.all([startLocalStack(), LambdaEmulator.start()]);
  output = captureOutput();
  const vendor = await coldStart<{ handler: VendorHandler }>('../../functions/token-vendor.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
  });
  lambda.register('sf-token-vendor', (event, context) => vendor.handler(event, context), {
    timeoutMs: 10_000,
  });
  // The sync function's own environment names no secret. (Both functions share this process's
  // env, where the SDK resolves endpoints lazily, so the vendor's Secrets Manager endpoint stays.)
  const sync = await coldStart<{ handler: SqsHandler }>('../../functions/sqs-sync.js', {
    SALESFORCE_SECRET_ID: undefined,
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    TOKEN_VENDOR_FUNCTION: 'sf-token-vendor',
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
  });
  invoke = (event) => sync.handler(event, lambdaContext('sqs-sync', 60_000));
});

// Both functions were cold-started above; their SDK clients resolve endpoints at first use.
useEnv(() => ({ ...stack.env, AWS_ENDPOINT_URL_LAMBDA: lambda.url }));

beforeEach(() => {
  lambda.clearFaults();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), lambda.close()]);
  expect(output.text()).not.toMatch(/00D\w{12}!/);
});

describe('sqs-sync with TOKEN_VENDOR_FUNCTION', () => {
  it('writes through a token from the vendor, invoking it once for many batches', async () => {
    // The containers may be warm from another test: start from sessions the sync function does
    // not hold, and count from here.
    stack.salesforce.expireAllSessions();
    const counts = () => ({
      invocations: lambda.invocations['sf-token-vendor'] ?? 0,
      logins: stack.salesforce.stats.logins,
      secretFetches: stack.secretsManager.calls.GetSecretValue ?? 0,
    });
    const before = counts();
    const mark = output.lines().length;
    expect((await invoke(sqsEvent(accounts(300, 'v1')))).batchItemFailures).toEqual([]);
    const afterFirst = counts();
    expect(afterFirst.invocations).toBeGreaterThan(before.invocations);
    expect(afterFirst.logins).toBe(before.logins + 1);
    // Warm: the next batch reuses the token, asking the vendor nothing.
    expect((await invoke(sqsEvent(accounts(300, 'v2')))).batchItemFailures).toEqual([]);
    expect(counts()).toEqual(afterFirst);
    // At most one secret read in all, by the vendor (none if its container was warm).
    expect(afterFirst.secretFetches - before.secretFetches).toBeLessThanOrEqual(1);
    const written = stack.salesforce.records('Account').map((r) => String(r.Ext_Id__c));
    expect(written.filter((id) => /^v[12]-/.test(id))).toHaveLength(600);
    // The sync function counts what it asked of the vendor; logins are the vendor's to report.
    const emf = output
      .lines()
      .slice(mark)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => '_aws' in l && l.service === 'sf-sqs-sync');
    expect(emf.map((l) => l.TokenVendorInvocations)).toEqual([
      afterFirst.invocations - before.invocations,
      0,
    ]);
    expect(emf.every((l) => !('Logins' in l))).toBe(true);
  });

  it('on 401 the vendor is asked for a refresh with the stale token: one login, nothing failed', async () => {
    // Warm first, whatever ran before: the sync function and the vendor hold the same live token.
    expect((await invoke(sqsEvent(accounts(1, 'v3-warm')))).batchItemFailures).toEqual([]);
    stack.salesforce.expireAllSessions();
    const logins = stack.salesforce.stats.logins;
    const invocations = lambda.invocations['sf-token-vendor'] ?? 0;
    expect((await invoke(sqsEvent(accounts(600, 'v3')))).batchItemFailures).toEqual([]);
    expect(stack.salesforce.stats.logins).toBe(logins + 1);
    expect(lambda.invocations['sf-token-vendor']).toBe(invocations + 1);
  });

  it('a failing vendor fails the batch with its error type, and nothing is written', async () => {
    stack.salesforce.expireAllSessions();
    lambda.injectFault({ functionName: 'sf-token-vendor', type: 'FunctionError', message: 'boom', times: 5 });
    const before = stack.salesforce.records('Account').length;
    await expect(invoke(sqsEvent(accounts(5, 'v4')))).rejects.toMatchObject({ code: 'ERR_BATCH_FAILED' });
    expect(stack.salesforce.records('Account')).toHaveLength(before);
    const lines = output.lines().filter((l) => l.includes('message not written'));
    expect(lines.at(-1)).toContain('ERR_TOKEN_VENDOR');
  });
});
