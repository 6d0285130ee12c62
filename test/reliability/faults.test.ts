// Fault injection over real HTTP, for the faults not already covered next to each feature:
// login storms, slow answers, a refresh failing under a still-valid token, Secrets Manager
// throttling and access errors, the vendor Lambda timing out or throttled, and a REST call that
// times out after Salesforce already applied it.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LambdaEmulator } from '../../emulators/lambda/lambda-emulator.js';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { upsertRecords } from '../../lib/sync/record-sync.js';
import { fromSecretsManager } from '../../lib/secret/secret-source.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { VendorTokenProvider } from '../../lib/token/vendor-token-provider.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { findSecrets } from '../setup/leak-scan.js';
import { useEnv } from '../helpers/env.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';

type Vendor = (event: unknown, context: unknown) => Promise<VendorResponse>;

let stack: LocalStack;
let lambda: LambdaEmulator;
let output: ReturnType<typeof captureOutput>;

async function vendor(env: Record<string, string | undefined> = {}) {
  const { handler } = await coldStart<{ handler: Vendor }>('../../functions/token-vendor.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SALESFORCE_SESSION_TTL_SECONDS: undefined,
    SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: undefined,
    ...env,
  });
  return (event: unknown = {}) => handler(event, lambdaContext('token-vendor'));
}

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  [stack, lambda] = await Promise.all([startLocalStack(), LambdaEmulator.start()]);
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), lambda.close()]);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.secretsManager.clearFaults();
  lambda.clearFaults();
  vi.useRealTimers();
});

describe('token endpoint', () => {
  it('a 5xx burst under 100 concurrent cold callers: one shared, retried login, no storm', async () => {
    const invoke = await vendor();
    stack.salesforce.injectFault({
      endpoint: 'token',
      status: 503,
      body: { error: 'unavailable' },
      times: 2,
    });
    const before = stack.salesforce.stats.tokenRequests;
    const tokens = await Promise.all(Array.from({ length: 100 }, () => invoke()));
    expect(stack.salesforce.stats.tokenRequests - before).toBe(3);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
  });

  it('a slow answer inside the timeout is waited for, not retried', async () => {
    // Far apart, so that a loaded machine cannot turn the slow answer into a timeout.
    const invoke = await vendor({ SALESFORCE_LOGIN_TIMEOUT_MS: '5000' });
    stack.salesforce.injectFault({ endpoint: 'token', delayMs: 500 });
    const before = stack.salesforce.stats.tokenRequests;
    const token = await invoke();
    expect(stack.salesforce.stats.tokenRequests - before).toBe(1);
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
  });

  it('a cached token that is still valid keeps serving while its early refresh fails', async () => {
    const invoke = await vendor({
      SALESFORCE_SESSION_TTL_SECONDS: '900',
      SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: '300',
    });
    const first = await invoke();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(first.issuedAt + 700_000);
    stack.salesforce.injectFault({ endpoint: 'token', status: 500, rawBody: 'down', times: 100 });
    expect((await invoke()).accessToken).toBe(first.accessToken);
    expect(output.text()).toContain('early token refresh failed; serving the cached token until it expires');
    vi.setSystemTime(first.issuedAt + 900_001);
    expect(await failure(invoke())).toMatchObject({ code: 'ERR_SALESFORCE_UNAVAILABLE' });
    stack.salesforce.clearFaults();
    expect((await invoke()).accessToken).not.toBe(first.accessToken);
  });
});

describe('Secrets Manager', () => {
  it('a throttle is retried by the SDK; a persistent one surfaces as a typed error', async () => {
    const invoke = await vendor();
    stack.secretsManager.injectFault({ operation: 'GetSecretValue', type: 'ThrottlingException', times: 1 });
    const calls = () => stack.secretsManager.calls.GetSecretValue ?? 0;
    let before = calls();
    await invoke();
    expect(calls() - before).toBe(2);

    const cold = await vendor();
    stack.secretsManager.injectFault({
      operation: 'GetSecretValue',
      type: 'ThrottlingException',
      message: 'Rate exceeded',
      times: 10,
    });
    before = calls();
    const error = await failure(cold());
    expect(error).toMatchObject({ code: 'ERR_SECRET_FETCH', awsErrorName: 'ThrottlingException' });
    expect(error.message).toBe(
      `Could not read secret "${LOCAL_JWT_SECRET_ID}": ThrottlingException (Rate exceeded)`,
    );
    expect(calls() - before).toBe(3);
  });

  it('AccessDenied names the problem; a secret that is not JSON or PEM is a format error', async () => {
    stack.secretsManager.injectFault({
      operation: 'GetSecretValue',
      type: 'AccessDeniedException',
      message: 'User is not authorized to perform: secretsmanager:GetSecretValue',
    });
    expect(await failure((await vendor())())).toMatchObject({
      code: 'ERR_SECRET_FETCH',
      awsErrorName: 'AccessDeniedException',
    });
    stack.secretsManager.putSecret('sf/not-json', 'hunter2');
    const error = await failure((await vendor({ SALESFORCE_SECRET_ID: 'sf/not-json' }))());
    expect(error).toMatchObject({ code: 'ERR_SECRET_FORMAT' });
    expect(error.message).not.toContain('hunter2');
  });
});

describe('the token vendor as a Lambda', () => {
  let provider: VendorTokenProvider;

  beforeAll(async () => {
    const handler = await vendor();
    lambda.register('vendor-under-fault', (event) => handler(event), { timeoutMs: 2_000 });
  });

  // The vendor registered above and the clients below resolve their endpoints at first use.
  useEnv(() => ({ ...stack.env, AWS_ENDPOINT_URL_LAMBDA: lambda.url }));

  beforeEach(() => {
    provider = new VendorTokenProvider({ functionName: 'vendor-under-fault' });
  });

  it('throttling is retried by the SDK, then a token arrives', async () => {
    lambda.injectFault({ functionName: 'vendor-under-fault', type: 'TooManyRequestsException', times: 2 });
    const token = await provider.getToken();
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
  });

  it('a timeout and persistent throttling surface as TokenVendorError with the vendor error type', async () => {
    lambda.injectFault({ functionName: 'vendor-under-fault', type: 'Timeout' });
    const timedOut = await failure(provider.getToken());
    expect(timedOut).toMatchObject({ code: 'ERR_TOKEN_VENDOR', vendorErrorType: 'Sandbox.Timedout' });
    expect(timedOut.message).toMatch(/Task timed out/);
    lambda.injectFault({ functionName: 'vendor-under-fault', type: 'TooManyRequestsException', times: 5 });
    expect(await failure(provider.getToken())).toMatchObject({
      code: 'ERR_TOKEN_VENDOR',
      message: expect.stringContaining('TooManyRequestsException') as unknown,
    });
  });

  it('an SQS batch whose tokens cannot be had is failed whole, nothing silently dropped', async () => {
    const { handler } = await coldStart<{ handler: (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse> }>(
      '../../functions/sqs-sync.js',
      {
        TOKEN_VENDOR_FUNCTION: 'vendor-under-fault',
        SYNC_SOBJECT: 'Account',
        SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
      },
    );
    lambda.injectFault({ functionName: 'vendor-under-fault', type: 'Timeout', times: 3 });
    const event = sqsEvent(accounts(30, 'no-token'));
    expect(await failure(handler(event, lambdaContext('sqs-sync', 60_000)))).toMatchObject({
      code: 'ERR_BATCH_FAILED',
    });
    const reported = output.lines().filter((l) => l.includes('no-token-') && l.includes('ERR_TOKEN_VENDOR'));
    expect(reported).toHaveLength(30);
  });
});

describe('REST: a call that times out after Salesforce applied it', () => {
  it('is retried, and the idempotent upsert leaves exactly one record per external ID with the input values', async () => {
    stack.salesforce.clearRecords();
    const upserts = () => stack.salesforce.stats.requestsByRoute['collections.upsert'] ?? 0;
    const upsertsBefore = upserts();
    const tokens = new LocalTokenProvider({
      credentials: fromSecretsManager(LOCAL_JWT_SECRET_ID, {
        client: new SecretsManagerClient({ endpoint: stack.secretsManager.url }),
      }),
    });
    const client = new SalesforceRestClient({
      tokens,
      requestTimeoutMs: 400,
      minDelayMs: 10,
      maxDelayMs: 50,
    });
    // Held past the client's timeout, then applied anyway, as a real server would.
    stack.salesforce.injectFault({ endpoint: 'rest', path: /composite\/sobjects/, delayMs: 900 });
    const items = accounts(150, 'twice').map((a, i) => ({ ref: `r${i}`, record: a.record }));
    const { outcomes } = await upsertRecords(client, items, {
      sobject: 'Account',
      externalIdField: 'Ext_Id__c',
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(client.apiCalls).toBe(2);
    // The abandoned first attempt reaches its handler once its delay is over: wait for that (the
    // route is counted just before its records are applied, synchronously), not for a fixed time.
    await vi.waitFor(() => {
      expect(upserts() - upsertsBefore).toBe(2);
    }, 5_000);
    const stored = stack.salesforce.records('Account');
    expect(stored).toHaveLength(150);
    expect(stored.map((r) => r.Name).sort()).toEqual(items.map((i) => i.record.Name).sort());
  });
});

/** Every string reachable from an error: own properties (enumerable or not) and its cause chain. */
function reachableText(value: unknown, seen = new Set<unknown>(), depth = 0): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 8) return '';
  seen.add(value);
  return Object.getOwnPropertyNames(value)
    .map((key) => `${key}=${reachableText((value as Record<string, unknown>)[key], seen, depth + 1)}`)
    .join('\n');
}

describe('errors carry no secret, cause chain included', () => {
  it.each([
    [
      'a login that keeps failing with 5xx (the assertion was in the request body)',
      { endpoint: 'token', status: 503, rawBody: 'x', times: 10 },
    ],
    ['a connection reset during login', { endpoint: 'token', reset: true, times: 10 }],
    [
      'Salesforce refusing the login',
      {
        endpoint: 'token',
        oauthError: { error: 'invalid_grant', error_description: 'invalid assertion' },
        times: 10,
      },
    ],
  ] as const)('%s', async (_label, fault) => {
    const invoke = await vendor();
    stack.salesforce.injectFault(fault);
    const error = await failure(invoke());
    const text = reachableText(error);
    expect(text.length).toBeGreaterThan(50);
    expect(findSecrets(text)).toEqual([]);
    expect(text).not.toContain(stack.keys.privateKeyPkcs8Pem.split('\n')[1]);
    expect(text).not.toMatch(/assertion=|eyJ/);
  });

  it('a Secrets Manager failure (the SDK error is kept as the cause)', async () => {
    stack.secretsManager.injectFault({
      operation: 'GetSecretValue',
      type: 'AccessDeniedException',
      message: 'denied',
    });
    const error = await failure((await vendor())());
    expect(error.cause).toBeInstanceOf(Error);
    const text = reachableText(error);
    expect(findSecrets(text)).toEqual([]);
    expect(text).not.toContain(process.env.AWS_SECRET_ACCESS_KEY);
  });
});
