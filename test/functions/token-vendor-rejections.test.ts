// Real rejections, decided by the strict emulator itself (no injected faults): each one must
// reach the caller with Salesforce's own error and description, after at most two token requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import {
  LOCAL_CC_CLIENT_ID,
  LOCAL_JWT_CLIENT_ID,
  LOCAL_USERNAME,
  startLocalStack,
  type LocalStack,
} from '../../emulators/local-stack/stack.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<VendorResponse>;

let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;
const extraEmulators: SalesforceEmulator[] = [];

beforeAll(async () => {
  stack = await startLocalStack();
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), ...extraEmulators.map((e) => e.close())]);
  expect(output.text()).not.toContain(stack.clientSecret);
  expect(output.text()).not.toMatch(/PRIVATE KEY/);
});

let secretCounter = 0;

/** Stores `secret` under a new name and cold-starts a vendor on it. */
async function vendorFor(secret: Record<string, unknown>, env: Record<string, string> = {}) {
  secretCounter += 1;
  const secretId = `sf/rejections/${secretCounter}`;
  stack.secretsManager.putSecret(
    secretId,
    typeof secret.pem === 'string' ? secret.pem : JSON.stringify(secret),
  );
  const { handler } = await coldStart<{ handler: Handler }>('../../functions/token-vendor.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: secretId,
    ...env,
  });
  return (event: unknown = {}) => handler(event, lambdaContext('token-vendor'));
}

function jwtSecret(overrides: Record<string, unknown> = {}) {
  return {
    loginUrl: stack.salesforce.url,
    clientId: LOCAL_JWT_CLIENT_ID,
    username: LOCAL_USERNAME,
    privateKey: stack.keys.privateKeyPkcs8Pem,
    ...overrides,
  };
}

async function rejection(invoke: () => Promise<unknown>, salesforce = stack.salesforce) {
  const before = salesforce.stats.tokenRequests;
  try {
    await invoke();
  } catch (error) {
    const e = error as { code?: string; error?: string; errorDescription?: string; message: string };
    return { ...e, message: e.message, tokenRequests: salesforce.stats.tokenRequests - before };
  }
  throw new Error('expected a rejection');
}

describe('key formats reach Salesforce intact', () => {
  it('a PKCS#1 key with newlines stored as literal \\n', async () => {
    const escaped = stack.keys.privateKeyPkcs1Pem.trim().replace(/\n/g, '\\n');
    const invoke = await vendorFor(jwtSecret({ privateKey: escaped }));
    expect(stack.salesforce.isActiveSession((await invoke()).accessToken)).toBe(true);
  });

  it('a bare PEM secret with the other fields from env', async () => {
    const invoke = await vendorFor(
      { pem: stack.keys.privateKeyPkcs8Pem },
      {
        SALESFORCE_LOGIN_URL: stack.salesforce.url,
        SALESFORCE_CLIENT_ID: LOCAL_JWT_CLIENT_ID,
        SALESFORCE_USERNAME: LOCAL_USERNAME,
        SALESFORCE_AUDIENCE: 'https://login.salesforce.com',
      },
    );
    expect(stack.salesforce.isActiveSession((await invoke()).accessToken)).toBe(true);
  });

  it('an explicit audience other than the login URL (My Domain host, login.salesforce.com aud)', async () => {
    const invoke = await vendorFor(jwtSecret({ audience: 'https://test.salesforce.com' }));
    expect(stack.salesforce.isActiveSession((await invoke()).accessToken)).toBe(true);
  });
});

describe('JWT Bearer rejections', () => {
  it('audience is invalid', async () => {
    const invoke = await vendorFor(jwtSecret({ audience: 'https://acme.my.salesforce.com' }));
    const r = await rejection(invoke);
    expect(r).toMatchObject({
      code: 'ERR_SALESFORCE_AUTH',
      error: 'invalid_grant',
      errorDescription: 'audience is invalid',
    });
    expect(r.tokenRequests).toBe(1);
  });

  it('invalid assertion: a key whose certificate was never uploaded', async () => {
    const { generateKeyMaterial } = await import('../../scripts/keys/key-material.js');
    const stranger = await generateKeyMaterial();
    const r = await rejection(await vendorFor(jwtSecret({ privateKey: stranger.privateKeyPkcs8Pem })));
    expect(r).toMatchObject({ error: 'invalid_grant', errorDescription: 'invalid assertion' });
    expect(r.message).toMatch(/certificate uploaded to the app must belong to privateKey/);
    // Rejected credentials trigger one secret refetch; unchanged, so no second request.
    expect(r.tokenRequests).toBe(1);
  });

  it('client identifier invalid', async () => {
    const r = await rejection(await vendorFor(jwtSecret({ clientId: '3MVG9.unknown' })));
    expect(r).toMatchObject({ error: 'invalid_client_id', errorDescription: 'client identifier invalid' });
  });

  it("user hasn't approved this consumer (unknown user), and not admin approved (invalid_app_access)", async () => {
    const unknown = await rejection(await vendorFor(jwtSecret({ username: 'nobody@acme.com' })));
    expect(unknown).toMatchObject({
      error: 'invalid_grant',
      errorDescription: "user hasn't approved this consumer",
    });
    stack.salesforce.registerUser({ username: 'not-assigned@acme.com' });
    const notAssigned = await rejection(await vendorFor(jwtSecret({ username: 'not-assigned@acme.com' })));
    expect(notAssigned).toMatchObject({
      error: 'invalid_app_access',
      errorDescription: 'user is not admin approved to access this app',
    });
    expect(notAssigned.message).toMatch(/assign the user's profile or permission set/);
  });

  it('expired authorization code: the signer clock is behind Salesforce', async () => {
    const ahead = await SalesforceEmulator.start({ now: () => Date.now() + 10 * 60_000 });
    extraEmulators.push(ahead);
    ahead.registerApp({ clientId: LOCAL_JWT_CLIENT_ID, certificatePem: stack.keys.certificatePem });
    ahead.registerUser({ username: LOCAL_USERNAME, approvedApps: [LOCAL_JWT_CLIENT_ID] });
    const r = await rejection(await vendorFor(jwtSecret({ loginUrl: ahead.url })), ahead);
    expect(r).toMatchObject({ error: 'invalid_grant', errorDescription: 'expired authorization code' });
    expect(r.message).toMatch(/clock/);
  });

  it('login rate exceeded is not retried, and no secret refetch is spent on it', async () => {
    const limited = await SalesforceEmulator.start({ loginRateLimitPerHour: 1 });
    extraEmulators.push(limited);
    limited.registerApp({ clientId: LOCAL_JWT_CLIENT_ID, certificatePem: stack.keys.certificatePem });
    limited.registerUser({ username: LOCAL_USERNAME, approvedApps: [LOCAL_JWT_CLIENT_ID] });
    const invoke = await vendorFor(jwtSecret({ loginUrl: limited.url }));
    await invoke();
    const fetchesBefore = stack.secretsManager.calls.GetSecretValue ?? 0;
    const r = await rejection(() => invoke({ forceRefresh: true }), limited);
    expect(r).toMatchObject({ error: 'invalid_grant', errorDescription: 'login rate exceeded' });
    expect(r.tokenRequests).toBe(1);
    expect(stack.secretsManager.calls.GetSecretValue ?? 0).toBe(fetchesBefore);
  });
});

describe('Client Credentials rejections', () => {
  const ccSecret = (overrides: Record<string, unknown> = {}) => ({
    flow: 'client-credentials',
    loginUrl: stack.salesforce.url,
    clientId: LOCAL_CC_CLIENT_ID,
    clientSecret: stack.clientSecret,
    ...overrides,
  });

  it('invalid client credentials, with no secret in the error', async () => {
    const r = await rejection(await vendorFor(ccSecret({ clientSecret: 'wrong-secret-value' })));
    expect(r).toMatchObject({ error: 'invalid_client', errorDescription: 'invalid client credentials' });
    expect(r.message).not.toContain('wrong-secret-value');
    expect(r.tokenRequests).toBe(1);
  });

  it('request not supported on this domain (login.salesforce.com instead of My Domain)', async () => {
    const loginHost = await SalesforceEmulator.start({ domain: 'login' });
    extraEmulators.push(loginHost);
    loginHost.registerUser({ username: LOCAL_USERNAME });
    loginHost.registerApp({
      clientId: LOCAL_CC_CLIENT_ID,
      clientSecret: stack.clientSecret,
      runAsUsername: LOCAL_USERNAME,
    });
    const r = await rejection(await vendorFor(ccSecret({ loginUrl: loginHost.url })), loginHost);
    expect(r).toMatchObject({
      error: 'invalid_grant',
      errorDescription: 'request not supported on this domain',
    });
    expect(r.message).toMatch(/My Domain URL as loginUrl/);
  });
});
