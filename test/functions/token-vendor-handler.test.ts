import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVendorHandler } from '../../functions/shared/token-vendor-handler.js';
import { LOCAL_CC_CLIENT_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { ConfigurationError, InvalidEventError } from '../../lib/errors.js';
import { fromCredentials } from '../../lib/secret/credentials-source.js';
import type { TokenProvider } from '../../lib/token/caching-token-provider.js';
import type { SalesforceToken } from '../../lib/token/salesforce-token.js';
import { stubEnv } from '../helpers/env.js';
import { captureOutput, lambdaContext } from '../helpers/lambda.js';

let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startLocalStack();
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await stack.close();
  expect(output.text()).not.toContain(stack.clientSecret);
});

const ccCredentials = () =>
  fromCredentials({
    loginUrl: stack.salesforce.url,
    clientId: LOCAL_CC_CLIENT_ID,
    clientSecret: stack.clientSecret,
  });

describe('createTokenVendorHandler', () => {
  it('vends from in-memory credentials, with no secret configured, caching across invocations', async () => {
    stubEnv({ SALESFORCE_SECRET_ID: undefined, AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined });
    const handler = createTokenVendorHandler({ credentials: ccCredentials() });
    const logins = stack.salesforce.stats.logins;
    const first = await handler({}, lambdaContext('token-vendor'));
    const second = await handler({}, lambdaContext('token-vendor'));
    expect(first.instanceUrl).toBe(stack.salesforce.url);
    expect(second).toEqual(first);
    const refreshed = await handler({ staleToken: first.accessToken }, lambdaContext('token-vendor'));
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(stack.salesforce.stats.logins - logins).toBe(2);
    expect(output.text()).not.toContain(first.accessToken);
  });

  it('answers from the given provider', async () => {
    const token: SalesforceToken = {
      accessToken: '00Dtest!given',
      instanceUrl: 'https://acme.my.salesforce.com',
      tokenType: 'Bearer',
      issuedAt: 1,
      expiresAt: 2,
    };
    const refreshToken = vi.fn(() => Promise.resolve({ ...token, accessToken: '00Dtest!new' }));
    const tokens: TokenProvider = { getToken: vi.fn(() => Promise.resolve(token)), refreshToken };
    const handler = createTokenVendorHandler({ tokens });
    expect(await handler({}, lambdaContext('token-vendor'))).toEqual(token);
    expect(
      await handler({ forceRefresh: true, staleToken: 'x' }, lambdaContext('token-vendor')),
    ).toMatchObject({
      accessToken: '00Dtest!new',
    });
    // With the invocation's own deadline, so a login never outlasts the vendor's timeout.
    expect(refreshToken).toHaveBeenCalledWith('x', { deadline: expect.any(Number) as unknown });
  });

  it('logs a refused event once, without its values, and fails the invocation', async () => {
    const getToken = vi.fn<TokenProvider['getToken']>();
    const handler = createTokenVendorHandler({ tokens: { getToken, refreshToken: vi.fn() } });
    const before = output.lines().length;
    await expect(handler({ forcerefresh: true }, lambdaContext('token-vendor'))).rejects.toThrow(
      InvalidEventError,
    );
    const lines = output
      .lines()
      .slice(before)
      .filter((line) => line.includes('token vending failed'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'ERROR', service: 'sf-token-vendor' });
    expect(getToken).not.toHaveBeenCalled();
  });

  it('refuses tokens and credentials together, and a default without SALESFORCE_SECRET_ID, at cold start', () => {
    const tokens: TokenProvider = { getToken: vi.fn(), refreshToken: vi.fn() };
    expect(() => createTokenVendorHandler({ tokens, credentials: ccCredentials() })).toThrow(
      ConfigurationError,
    );
    stubEnv({ SALESFORCE_SECRET_ID: undefined });
    expect(() => createTokenVendorHandler()).toThrow(/SALESFORCE_SECRET_ID is required/);
  });
});
