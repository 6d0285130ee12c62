import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateKeyMaterial } from '../../scripts/keys/key-material.js';
import {
  LOCAL_CC_SECRET_ID,
  LOCAL_JWT_CLIENT_ID,
  LOCAL_JWT_SECRET_ID,
  LOCAL_USERNAME,
  startLocalStack,
  type LocalStack,
} from '../../emulators/local-stack/stack.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<VendorResponse>;
const HANDLER = '../../functions/token-vendor.js';

let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;
const vended = new Set<string>();

/** A cold start of the vendor with the given overrides; returns a function that invokes it. */
async function vendor(env: Record<string, string | undefined> = {}) {
  const { handler } = await coldStart<{ handler: Handler }>(HANDLER, {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SALESFORCE_SESSION_TTL_SECONDS: undefined,
    SALESFORCE_LOGIN_TIMEOUT_MS: undefined,
    POWERTOOLS_LOG_LEVEL: undefined,
    POWERTOOLS_LOGGER_LOG_EVENT: undefined,
    ...env,
  });
  return async (event: unknown = {}) => {
    const response = await handler(event, lambdaContext('token-vendor'));
    vended.add(response.accessToken);
    return response;
  };
}

/** Runs `fn` and returns how many logins, token requests and secret fetches it caused. */
async function counting<T>(fn: () => Promise<T>) {
  const sf = stack.salesforce.stats;
  const before = {
    logins: sf.logins,
    tokenRequests: sf.tokenRequests,
    secretFetches: stack.secretsManager.calls.GetSecretValue ?? 0,
  };
  const result = await fn();
  return {
    result,
    logins: stack.salesforce.stats.logins - before.logins,
    tokenRequests: stack.salesforce.stats.tokenRequests - before.tokenRequests,
    secretFetches: (stack.secretsManager.calls.GetSecretValue ?? 0) - before.secretFetches,
  };
}

async function invocationError(invoke: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await invoke();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the invocation to fail');
}

beforeAll(async () => {
  stack = await startLocalStack();
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await stack.close();
  // Everything any handler printed during this file: no token, key or secret in it.
  const printed = output.text();
  expect(printed.length).toBeGreaterThan(0);
  for (const token of vended) expect(printed).not.toContain(token);
  expect(printed).not.toContain(stack.clientSecret);
  expect(printed).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  expect(printed).not.toContain(stack.keys.privateKeyPkcs8Pem.split('\n')[1]);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('token vendor: tokens', () => {
  it('vends a working JWT Bearer token with the documented response shape', async () => {
    const invoke = await vendor();
    const before = Date.now();
    const { result: token, logins } = await counting(() => invoke({}));
    const after = Date.now();
    expect(logins).toBe(1);
    expect(Object.keys(token).sort()).toEqual([
      'accessToken',
      'expiresAt',
      'instanceUrl',
      'issuedAt',
      'scope',
      'tokenType',
    ]);
    expect(token.accessToken).toMatch(/^00D\w{12}!/);
    expect(token.instanceUrl).toBe(stack.salesforce.url);
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresAt - token.issuedAt).toBe(7200 * 1000);
    expect(token.issuedAt).toBeGreaterThanOrEqual(before);
    expect(token.issuedAt).toBeLessThanOrEqual(after);
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
    // The token works against the REST API over HTTP.
    const limits = await fetch(`${token.instanceUrl}/services/data/v66.0/limits`, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(limits.status).toBe(200);
  });

  it('vends a working Client Credentials token', async () => {
    const invoke = await vendor({ SALESFORCE_SECRET_ID: LOCAL_CC_SECRET_ID });
    const ccBefore = stack.salesforce.stats.loginsByFlow['client-credentials'];
    const token = await invoke({});
    expect(stack.salesforce.stats.loginsByFlow['client-credentials']).toBe(ccBefore + 1);
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
  });

  it('100 concurrent invocations on a cold container: 1 login and 1 secret fetch; warm calls: none', async () => {
    const invoke = await vendor();
    const cold = await counting(() => Promise.all(Array.from({ length: 100 }, () => invoke({}))));
    expect(cold.logins).toBe(1);
    expect(cold.tokenRequests).toBe(1);
    expect(cold.secretFetches).toBe(1);
    expect(new Set(cold.result.map((t) => t.accessToken)).size).toBe(1);
    const warm = await counting(() => Promise.all(Array.from({ length: 100 }, () => invoke({}))));
    expect({ logins: warm.logins, secretFetches: warm.secretFetches }).toEqual({
      logins: 0,
      secretFetches: 0,
    });
    expect(warm.result[0]?.accessToken).toBe(cold.result[0]?.accessToken);
  });

  it('forceRefresh vends a new token with one new login (the secret stays cached)', async () => {
    const invoke = await vendor();
    const first = await invoke({});
    const refreshed = await counting(() => invoke({ forceRefresh: true }));
    expect(refreshed.logins).toBe(1);
    expect(refreshed.secretFetches).toBe(0);
    expect(refreshed.result.accessToken).not.toBe(first.accessToken);
    expect((await invoke({})).accessToken).toBe(refreshed.result.accessToken);
  });

  it('a stale token reported by 50 concurrent callers causes one login, and late reporters get the new token', async () => {
    const invoke = await vendor();
    const stale = await invoke({});
    stack.salesforce.expireSession(stale.accessToken);
    const burst = await counting(() =>
      Promise.all(
        Array.from({ length: 50 }, () => invoke({ forceRefresh: true, staleToken: stale.accessToken })),
      ),
    );
    expect(burst.logins).toBe(1);
    const fresh = new Set(burst.result.map((t) => t.accessToken));
    expect(fresh.size).toBe(1);
    expect(fresh.has(stale.accessToken)).toBe(false);
    const late = await counting(() => invoke({ forceRefresh: true, staleToken: stale.accessToken }));
    expect(late.logins).toBe(0);
    expect(fresh.has(late.result.accessToken)).toBe(true);
  });

  it('logs in again once the configured session TTL (minus the margin) has passed', async () => {
    const invoke = await vendor({
      SALESFORCE_SESSION_TTL_SECONDS: '900',
      SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: '60',
    });
    const first = await invoke({});
    expect(first.expiresAt - first.issuedAt).toBe(900_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(first.issuedAt + 839_000);
    const before = await counting(() => invoke({}));
    expect(before.logins).toBe(0);
    vi.setSystemTime(first.issuedAt + 841_000);
    const after = await counting(() => invoke({}));
    expect(after.logins).toBe(1);
    expect(after.result.accessToken).not.toBe(first.accessToken);
  });
  it('keeps the secret SALESFORCE_SECRET_MAX_AGE seconds, then reads it again', async () => {
    const invoke = await vendor({ SALESFORCE_SECRET_MAX_AGE: '300' });
    const first = await counting(() => invoke({}));
    expect(first.secretFetches).toBe(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(first.result.issuedAt + 299_000);
    expect((await counting(() => invoke({ forceRefresh: true }))).secretFetches).toBe(0);
    vi.setSystemTime(first.result.issuedAt + 301_000);
    const later = await counting(() => invoke({ forceRefresh: true }));
    expect(later.secretFetches).toBe(1);
    expect(later.logins).toBe(1);
  });
});

describe('token vendor: Salesforce errors surface with Salesforce description and a hint', () => {
  it.each([
    ['invalid_grant', "user hasn't approved this consumer", /pre-authorize the user/],
    ['invalid_grant', 'audience is invalid', /set audience to https:\/\/login.salesforce.com/],
    ['invalid_grant', 'expired authorization code', /clock/],
    ['invalid_grant', 'inactive user', /deactivated or frozen/],
    ['invalid_grant', 'login rate exceeded', /3,600 logins per hour/],
    ['invalid_client_id', 'client identifier invalid', /consumer key/],
    ['invalid_client', 'invalid client credentials', /consumer secret/],
  ])('%s: %s', async (error, description, hint) => {
    const invoke = await vendor();
    stack.salesforce.injectFault({
      endpoint: 'token',
      oauthError: { error, error_description: description },
      times: 5,
    });
    const { result: failure, tokenRequests } = await counting(() => invocationError(() => invoke({})));
    expect(failure.name).toBe('SalesforceAuthError');
    expect(failure.code).toBe('ERR_SALESFORCE_AUTH');
    expect(failure.error).toBe(error);
    expect(failure.errorDescription).toBe(description);
    expect(failure.message).toContain(description);
    expect(failure.message).toMatch(hint);
    // Never retried hot; at most one retry after a secret refetch (and none here: it did not change).
    expect(tokenRequests).toBe(1);
  });

  it('real rejections from the emulator: a user who is not pre-authorized, and an inactive user', async () => {
    const invoke = await vendor();
    stack.salesforce.setUserActive(LOCAL_USERNAME, false);
    try {
      expect((await invocationError(() => invoke({}))).errorDescription).toBe('inactive user');
    } finally {
      stack.salesforce.setUserActive(LOCAL_USERNAME, true);
    }
    stack.secretsManager.putSecret(
      'sf/not-approved',
      JSON.stringify({
        loginUrl: stack.salesforce.url,
        clientId: LOCAL_JWT_CLIENT_ID,
        username: 'someone.else@acme.com',
        privateKey: stack.keys.privateKeyPkcs1Pem,
      }),
    );
    const other = await vendor({ SALESFORCE_SECRET_ID: 'sf/not-approved' });
    expect((await invocationError(() => other({}))).errorDescription).toBe(
      "user hasn't approved this consumer",
    );
  });
});

describe('token vendor: key rotation', () => {
  it('recovers with one secret refetch when the key was rotated under a warm container', async () => {
    const invoke = await vendor();
    const old = await invoke({});
    const next = await generateKeyMaterial({ commonName: 'rotated' });
    // The new certificate replaces the old one in the app, and the secret gets the new key.
    stack.salesforce.replaceCertificate(LOCAL_JWT_CLIENT_ID, next.certificatePem);
    stack.secretsManager.putSecret(
      'sf/rotating',
      JSON.stringify({
        loginUrl: stack.salesforce.url,
        clientId: LOCAL_JWT_CLIENT_ID,
        username: LOCAL_USERNAME,
        privateKey: stack.keys.privateKeyPkcs8Pem,
      }),
    );
    try {
      const rotating = await vendor({ SALESFORCE_SECRET_ID: 'sf/rotating' });
      expect((await invocationError(() => rotating({}))).errorDescription).toBe('invalid assertion');
      // Warm container, cached (old) secret; the secret is now rotated in Secrets Manager.
      stack.secretsManager.putSecret(
        'sf/rotating',
        JSON.stringify({
          loginUrl: stack.salesforce.url,
          clientId: LOCAL_JWT_CLIENT_ID,
          username: LOCAL_USERNAME,
          privateKey: next.privateKeyPkcs8Pem,
        }),
      );
      const recovered = await counting(() => rotating({ forceRefresh: true, staleToken: old.accessToken }));
      expect(recovered.tokenRequests).toBe(2);
      expect(recovered.secretFetches).toBe(1);
      expect(recovered.logins).toBe(1);
      expect(stack.salesforce.isActiveSession(recovered.result.accessToken)).toBe(true);
    } finally {
      stack.salesforce.replaceCertificate(LOCAL_JWT_CLIENT_ID, stack.keys.certificatePem);
    }
  });
});

describe('token vendor: transient failures', () => {
  it('retries 5xx and connection resets with backoff, then succeeds', async () => {
    const invoke = await vendor();
    stack.salesforce.injectFault({ endpoint: 'token', status: 503, body: { error: 'unavailable' } });
    stack.salesforce.injectFault({ endpoint: 'token', reset: true });
    const { result, tokenRequests, logins } = await counting(() => invoke({}));
    expect(tokenRequests).toBe(3);
    expect(logins).toBe(1);
    expect(stack.salesforce.isActiveSession(result.accessToken)).toBe(true);
  });

  it('retries a request that times out', async () => {
    const invoke = await vendor({ SALESFORCE_LOGIN_TIMEOUT_MS: '300' });
    stack.salesforce.injectFault({ endpoint: 'token', delayMs: 1_000 });
    const loginsBefore = stack.salesforce.stats.logins;
    const { result, tokenRequests, logins } = await counting(() => invoke({}));
    expect(tokenRequests).toBe(2);
    expect(logins).toBe(1);
    expect(stack.salesforce.isActiveSession(result.accessToken)).toBe(true);
    // The abandoned request still completes on the server, like a real one would: its session is
    // simply never used. Wait for it so it does not land in the next test.
    await vi.waitFor(() => {
      expect(stack.salesforce.stats.logins).toBe(loginsBefore + 2);
    });
  });

  it('gives up after 3 attempts with a typed error', async () => {
    const invoke = await vendor();
    stack.salesforce.injectFault({
      endpoint: 'token',
      status: 500,
      rawBody: '<html>maintenance</html>',
      times: 10,
    });
    const { result: failure, tokenRequests } = await counting(() => invocationError(() => invoke({})));
    expect(failure.code).toBe('ERR_SALESFORCE_UNAVAILABLE');
    expect(failure.message).toMatch(/answered HTTP 500/);
    expect(tokenRequests).toBe(3);
  });
});

describe('token vendor: configuration errors, before any login', () => {
  it.each([
    [
      'a PEM that does not parse',
      { privateKey: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----' },
      'ERR_PRIVATE_KEY',
      /does not parse/,
    ],
    ['a certificate instead of a key', { privateKey: 'CERT' }, 'ERR_PRIVATE_KEY', /holds a certificate/],
    [
      'a missing username',
      { username: undefined },
      'ERR_SECRET_FORMAT',
      /username: is required for the jwt-bearer flow/,
    ],
    [
      'an http login URL',
      { loginUrl: 'http://login.salesforce.com' },
      'ERR_SECRET_FORMAT',
      /loginUrl: must use https/,
    ],
  ])('%s', async (_label, override, code, message) => {
    const secret = {
      loginUrl: stack.salesforce.url,
      clientId: LOCAL_JWT_CLIENT_ID,
      username: LOCAL_USERNAME,
      privateKey: stack.keys.privateKeyPkcs8Pem,
      ...override,
    };
    if (secret.privateKey === 'CERT') secret.privateKey = stack.keys.certificatePem;
    stack.secretsManager.putSecret('sf/bad', JSON.stringify(secret));
    const invoke = await vendor({ SALESFORCE_SECRET_ID: 'sf/bad' });
    const { result: failure, tokenRequests } = await counting(() => invocationError(() => invoke({})));
    expect(failure.code).toBe(code);
    expect(failure.message).toMatch(message);
    expect(tokenRequests).toBe(0);
  });

  it('a missing secret is a SecretFetchError naming the secret and the AWS error', async () => {
    const invoke = await vendor({ SALESFORCE_SECRET_ID: 'sf/does-not-exist' });
    const failure = await invocationError(() => invoke({}));
    expect(failure.code).toBe('ERR_SECRET_FETCH');
    expect(failure.awsErrorName).toBe('ResourceNotFoundException');
    expect(failure.message).toBe(
      `Could not read secret "sf/does-not-exist": ResourceNotFoundException (Secrets Manager can't find the specified secret.)`,
    );
  });

  it('a missing SALESFORCE_SECRET_ID fails the cold start', async () => {
    await expect(vendor({ SALESFORCE_SECRET_ID: undefined })).rejects.toThrow(
      /SALESFORCE_SECRET_ID is required/,
    );
  });

  it('an invalid event is refused without a login', async () => {
    const invoke = await vendor();
    const { result: failure, tokenRequests } = await counting(() =>
      invocationError(() => invoke({ forceRefresh: 'yes' })),
    );
    expect(failure.code).toBe('ERR_INVALID_EVENT');
    expect(tokenRequests).toBe(0);
  });
});

describe('token vendor: logs', () => {
  it('with event logging switched on, the stale token in the event is redacted', async () => {
    const invoke = await vendor({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    const first = await invoke({});
    const mark = output.lines().length;
    await invoke({ forceRefresh: true, staleToken: first.accessToken });
    const lines = output.lines().slice(mark);
    const event = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'Lambda invocation event');
    expect(event).toMatchObject({ event: { forceRefresh: true, staleToken: '[REDACTED]' } });
    expect(lines.join('\n')).not.toContain(first.accessToken);
  });

  it('logs structured JSON lines with Lambda context, never the token', async () => {
    const invoke = await vendor({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    const mark = output.lines().length;
    const token = await invoke({});
    await invoke({});
    const lines = output
      .lines()
      .slice(mark)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'logged in to Salesforce')).toMatchObject({
      level: 'INFO',
      function_name: 'token-vendor',
      flow: 'jwt-bearer',
      instanceUrl: token.instanceUrl,
    });
    // The login line is what infra/alarms.yml's metric filter counts: one per login, none warm.
    expect(lines.filter((l) => l.message === 'logged in to Salesforce')).toHaveLength(1);
    // One debug line per vend: at INFO it would cost more than a warm vend itself.
    expect(lines.filter((l) => l.message === 'token vended').map((l) => l.level)).toEqual(['DEBUG', 'DEBUG']);
    expect(JSON.stringify(lines)).not.toContain(token.accessToken);
  });
});
