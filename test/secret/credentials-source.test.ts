import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CC_CLIENT_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { ConfigurationError, SalesforceAuthError, SecretFormatError } from '../../lib/errors.js';
import {
  fromCredentials,
  type CredentialsSource,
  type SalesforceCredentialsInput,
} from '../../lib/secret/credentials-source.js';
import type { SalesforceCredentials } from '../../lib/secret/credentials.js';
import { fromSecretsManager } from '../../lib/secret/secret-source.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';

const pkcs8 = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const CLIENT_SECRET = 'CS-in-memory-4b1d9e7a';

function invalid(input: unknown): SecretFormatError {
  try {
    fromCredentials(input as SalesforceCredentialsInput);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretFormatError);
    return error as SecretFormatError;
  }
  throw new Error('expected fromCredentials to throw');
}

describe('fromCredentials', () => {
  it('validates JWT Bearer credentials at once, the audience defaulting to the login URL', async () => {
    const source = fromCredentials({
      loginUrl: 'https://login.salesforce.com/',
      clientId: '3MVG9.key',
      username: 'integration@acme.com',
      privateKey: pkcs8.replaceAll('\n', '\\n'),
    });
    const credentials = await source();
    expect(credentials).toMatchObject({
      flow: 'jwt-bearer',
      loginUrl: 'https://login.salesforce.com',
      audience: 'https://login.salesforce.com',
      username: 'integration@acme.com',
    });
    expect(credentials.flow === 'jwt-bearer' && credentials.privateKey.asymmetricKeyType).toBe('rsa');
    expect(source.description).toBe('in-memory credentials');
  });

  it('returns the same object every time, forced or not: nothing to refetch, so no retry', async () => {
    const source = fromCredentials({
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: '3MVG9.key',
      clientSecret: CLIENT_SECRET,
    });
    const first = await source();
    expect(first).toEqual({
      flow: 'client-credentials',
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: '3MVG9.key',
      clientSecret: CLIENT_SECRET,
    });
    expect(await source({ forceFetch: true })).toBe(first);
  });

  it('refuses bad credentials with the secret’s rules, naming each field and never a value', () => {
    const error = invalid({
      loginUrl: 'http://login.salesforce.com',
      clientId: '3MVG9.key',
      clientSecret: CLIENT_SECRET,
      privateKey: pkcs8,
      colour: 'blue',
    });
    expect(error.code).toBe('ERR_SECRET_FORMAT');
    expect(error.message).toMatch(/^Invalid Salesforce credentials: /);
    expect(error.problems.map((p) => p.field)).toEqual(['colour']);
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(error.message).not.toContain('BEGIN');

    const fields = invalid({
      loginUrl: 'http://login.salesforce.com',
      clientId: 'k',
      clientSecret: CLIENT_SECRET,
    });
    expect(fields.problems.map((p) => p.field)).toEqual(['loginUrl']);
    expect(fields.message).not.toContain(CLIENT_SECRET);

    expect(
      invalid({ flow: 'jwt-bearer', loginUrl: 'https://login.salesforce.com', clientId: 'k' }).problems,
    ).toEqual([
      { field: 'username', problem: 'is required for the jwt-bearer flow' },
      { field: 'privateKey', problem: 'is required for the jwt-bearer flow' },
    ]);
    expect(invalid(null).message).toBe('Invalid Salesforce credentials: credentials: must be a JSON object');
  });
});

describe('fromSecretsManager', () => {
  it('needs a secret id, checked when it is built', () => {
    expect(() => fromSecretsManager(' ')).toThrow(ConfigurationError);
    expect(fromSecretsManager('sf/creds').description).toBe('secret "sf/creds"');
  });
});

describe('LocalTokenProvider with a credentials source', () => {
  let stack: LocalStack;
  const ccCredentials = (clientSecret: string): SalesforceCredentials => ({
    flow: 'client-credentials',
    loginUrl: stack.salesforce.url,
    clientId: LOCAL_CC_CLIENT_ID,
    clientSecret,
  });

  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  async function tokenRequests<T>(fn: () => Promise<T>): Promise<{ result: T | Error; requests: number }> {
    const before = stack.salesforce.stats.tokenRequests;
    const result = await fn().catch((error: unknown) => error as Error);
    return { result, requests: stack.salesforce.stats.tokenRequests - before };
  }

  it('logs in with in-memory credentials, reading no secret', async () => {
    const reads = stack.secretsManager.calls.GetSecretValue ?? 0;
    const tokens = new LocalTokenProvider({
      credentials: fromCredentials({
        loginUrl: stack.salesforce.url,
        clientId: LOCAL_CC_CLIENT_ID,
        clientSecret: stack.clientSecret,
      }),
    });
    const token = await tokens.getToken();
    expect(token.instanceUrl).toBe(stack.salesforce.url);
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
    expect(stack.secretsManager.calls.GetSecretValue ?? 0).toBe(reads);
  });

  it('after a rejection, asks the source again with forceFetch and retries once with what changed', async () => {
    let current = ccCredentials('rotated-away');
    const source = vi.fn<CredentialsSource>((options) => {
      if (options?.forceFetch) current = ccCredentials(stack.clientSecret);
      return Promise.resolve(current);
    });
    const logger = { info: vi.fn(), warn: vi.fn() };
    const tokens = new LocalTokenProvider({ credentials: source, logger });
    const { result, requests } = await tokenRequests(() => tokens.getToken());
    expect(result).toMatchObject({ instanceUrl: stack.salesforce.url });
    expect(requests).toBe(2);
    expect(source.mock.calls).toEqual([[], [{ forceFetch: true }]]);
    expect(tokens.stats).toEqual({ logins: 1, loginFailures: 1 });
    expect(logger.info).toHaveBeenCalledWith(
      'credentials were rejected and the source has new ones; retrying the login once',
      { credentialsSource: undefined },
    );
  });

  it('does not retry when the source returns the same credentials: one token request', async () => {
    const tokens = new LocalTokenProvider({
      credentials: fromCredentials({
        loginUrl: stack.salesforce.url,
        clientId: LOCAL_CC_CLIENT_ID,
        clientSecret: 'not-the-secret',
      }),
    });
    const { result, requests } = await tokenRequests(() => tokens.getToken());
    expect(result).toBeInstanceOf(SalesforceAuthError);
    expect(result).toMatchObject({ code: 'ERR_SALESFORCE_AUTH', error: 'invalid_client' });
    expect(requests).toBe(1);
  });

  it('refuses to be built without a source', () => {
    expect(() => new LocalTokenProvider({} as never)).toThrow(ConfigurationError);
  });
});
