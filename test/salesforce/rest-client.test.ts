import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import {
  DeadlineExceededError,
  RequestLimitExceededError,
  SalesforceApiError,
  SalesforceUnavailableError,
} from '../../lib/errors.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { fromSecretsManager } from '../../lib/secret/secret-source.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { LOCAL_JWT_SECRET_ID } from '../../emulators/local-stack/stack.js';

let stack: LocalStack;
let tokens: LocalTokenProvider;

function client(options: Partial<ConstructorParameters<typeof SalesforceRestClient>[0]> = {}) {
  return new SalesforceRestClient({ tokens, minDelayMs: 10, maxDelayMs: 50, ...options });
}

beforeAll(async () => {
  stack = await startLocalStack();
  const client = new SecretsManagerClient({ endpoint: stack.secretsManager.url });
  tokens = new LocalTokenProvider({
    credentials: fromSecretsManager(LOCAL_JWT_SECRET_ID, { client }),
  });
});

afterAll(async () => {
  await stack.close();
});

beforeEach(() => {
  stack.salesforce.clearFaults();
});

describe('SalesforceRestClient', () => {
  it('calls the versioned REST API with the bearer token and reads Sforce-Limit-Info', async () => {
    const usages: unknown[] = [];
    const rest = client({ apiVersion: '62.0', onApiUsage: (u) => usages.push(u) });
    const { status, body } = await rest.request<{ DailyApiRequests: { Max: number } }>('GET', '/limits');
    expect(status).toBe(200);
    expect(body.DailyApiRequests.Max).toBe(15_000);
    expect(rest.apiCalls).toBe(1);
    expect(rest.apiUsage).toEqual({ used: expect.any(Number) as unknown, limit: 15_000 });
    expect(usages).toHaveLength(1);
  });

  it('refreshes an expired session once, with the stale token, and retries', async () => {
    const rest = client();
    const stale = await tokens.getToken();
    stack.salesforce.expireSession(stale.accessToken);
    const logins = stack.salesforce.stats.logins;
    await Promise.all([
      rest.request('GET', '/limits'),
      rest.request('GET', '/limits'),
      rest.request('GET', '/limits'),
    ]);
    expect(stack.salesforce.stats.logins).toBe(logins + 1);
    expect((await tokens.getToken()).accessToken).not.toBe(stale.accessToken);
  });

  it('sends a call that must not repeat (retry: false) once more after a token refresh: the 401 had no effect', async () => {
    const rest = client();
    const stale = await tokens.getToken();
    stack.salesforce.expireSession(stale.accessToken);
    const logins = stack.salesforce.stats.logins;
    const { status } = await rest.request('GET', '/limits', { retry: false });
    expect(status).toBe(200);
    expect(rest.apiCalls).toBe(2);
    expect(stack.salesforce.stats.logins).toBe(logins + 1);
  });

  it('does not refresh on "not valid for use with the REST API", which a new token cannot cure', async () => {
    const logins = stack.salesforce.stats.logins;
    stack.salesforce.injectFault({
      endpoint: 'rest',
      status: 401,
      body: [
        { message: 'This session is not valid for use with the REST API', errorCode: 'INVALID_SESSION_ID' },
      ],
    });
    const error = await client()
      .request('GET', '/limits')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ status: 401, errorCode: 'INVALID_SESSION_ID' });
    expect(stack.salesforce.stats.logins).toBe(logins);
  });

  it('retries 5xx, connection resets and non-JSON success bodies, then gives up after 4 attempts', async () => {
    stack.salesforce.injectFault({ endpoint: 'rest', status: 502, rawBody: '<html>bad gateway</html>' });
    stack.salesforce.injectFault({ endpoint: 'rest', reset: true });
    stack.salesforce.injectFault({
      endpoint: 'rest',
      status: 200,
      rawBody: '{"truncated": ',
      contentType: 'application/json',
    });
    const rest = client();
    expect((await rest.request('GET', '/limits')).status).toBe(200);
    expect(rest.apiCalls).toBe(4);
    stack.salesforce.injectFault({
      endpoint: 'rest',
      status: 500,
      body: [{ message: 'x', errorCode: 'UNKNOWN_EXCEPTION' }],
      times: 10,
    });
    const failing = client();
    await expect(failing.request('GET', '/limits')).rejects.toBeInstanceOf(SalesforceUnavailableError);
    expect(failing.apiCalls).toBe(4);
  });

  it('never retries 403 REQUEST_LIMIT_EXCEEDED', async () => {
    stack.salesforce.injectFault({
      endpoint: 'rest',
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      times: 5,
    });
    const rest = client();
    const error = await rest.request('GET', '/limits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestLimitExceededError);
    expect(error).toMatchObject({
      code: 'ERR_REQUEST_LIMIT_EXCEEDED',
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      status: 403,
    });
    expect(rest.apiCalls).toBe(1);
  });

  it('bounds each request by the deadline and does not retry past it', async () => {
    stack.salesforce.injectFault({ endpoint: 'rest', delayMs: 5_000 });
    // 600 ms before the deadline's 2 s safety margin: the request gets at most that long, not the
    // 60 s default, and no retry fits after it.
    const started = Date.now();
    const rest = client({ deadline: () => started + 2_600 });
    const error = await rest.request('GET', '/limits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceUnavailableError);
    const timeoutMs = Number(/timed out after (\d+) ms/.exec((error as Error).message)?.[1]);
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(600);
    expect(rest.apiCalls).toBe(1);
    const late = client({ deadline: () => Date.now() + 1_000 });
    await expect(late.request('GET', '/limits')).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(late.apiCalls).toBe(0);
  });

  it('never follows a redirect: the bearer token stays with Salesforce, and the 3xx fails as a network error', async () => {
    // Where a redirect would lead: any request reaching it is a token sent off.
    const elsewhere: string[] = [];
    const trap = createServer((req, res) => {
      elsewhere.push(`${String(req.method)} ${String(req.url)} ${String(req.headers.authorization)}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = trap.address() as AddressInfo;
      for (const status of [301, 302, 307, 308]) {
        stack.salesforce.injectFault({
          endpoint: 'rest',
          status,
          headers: { Location: `http://127.0.0.1:${String(port)}/services/data/v66.0/limits` },
          times: 2,
        });
        const rest = client({ maxAttempts: 2 });
        const error = await rest.request('GET', '/limits').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SalesforceUnavailableError);
        expect((error as Error).message).toBe('Salesforce GET /limits: network error');
        expect(((error as Error).cause as Error).cause).toMatchObject({ message: 'unexpected redirect' });
        expect(rest.apiCalls).toBe(2);
      }
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });

  it('honours Retry-After on 429', async () => {
    stack.salesforce.injectFault({
      endpoint: 'rest',
      status: 429,
      headers: { 'Retry-After': '1' },
      body: [],
    });
    const started = Date.now();
    await client().request('GET', '/limits');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});

describe('SalesforceRestClient with a stubbed fetch', () => {
  const token = {
    accessToken: 't',
    instanceUrl: 'https://sf.example',
    tokenType: 'Bearer',
    issuedAt: 0,
    expiresAt: 1,
  };
  const tokens = { getToken: () => Promise.resolve(token), refreshToken: () => Promise.resolve(token) };

  beforeEach(() => {
    // Only the timers the client sets itself: fetch is stubbed.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not wait for a Retry-After that ends past the deadline: it fails at once', async () => {
    // Timers are never advanced here: any wait would leave the request pending forever.
    let calls = 0;
    const rest = new SalesforceRestClient({
      tokens,
      deadline: () => Date.now() + 12_000,
      fetch: () => {
        calls += 1;
        return Promise.resolve(new Response('[]', { status: 503, headers: { 'retry-after': '30' } }));
      },
    });
    const error = await rest.request('GET', '/limits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceUnavailableError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts a request that outlives its timeout, and leaves no timer behind one that is answered', async () => {
    const signals: AbortSignal[] = [];
    let hang = true;
    const rest = new SalesforceRestClient({
      tokens,
      maxAttempts: 1,
      requestTimeoutMs: 5_000,
      fetch: (_url, init) => {
        const signal = init?.signal ?? undefined;
        if (signal) signals.push(signal);
        if (!hang) return Promise.resolve(new Response('{}', { status: 200 }));
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(signal.reason as Error);
          });
        });
      },
    });
    const pending = rest.request('GET', '/limits').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toBeInstanceOf(SalesforceUnavailableError);
    expect((error as Error).message).toBe('Salesforce GET /limits: timed out after 5000 ms');
    hang = false;
    await rest.request('GET', '/limits');
    expect(signals[1]?.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
