// The vendor's answer as VendorTokenProvider reads it, with a stub in place of the Lambda client
// (test/client/salesforce-client.test.ts runs the real vendor through the Lambda Invoke emulator).
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { TokenVendorError } from '../../lib/errors.js';
import { VendorTokenProvider } from '../../lib/token/vendor-token-provider.js';

const TOKEN = {
  accessToken: '00Dxx!token-value',
  instanceUrl: 'https://acme.my.salesforce.com',
  tokenType: 'Bearer',
  issuedAt: 1_000,
  expiresAt: 7_201_000,
};

/** A provider whose vendor answers `payload` (JSON-encoded, as Lambda Invoke returns it). */
function answering(payload: unknown): VendorTokenProvider {
  const client = {
    send: () => Promise.resolve({ Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
  } as unknown as LambdaClient;
  return new VendorTokenProvider({ functionName: 'vendor', client, now: () => 2_000 });
}

describe('VendorTokenProvider reading the answer of the vendor', () => {
  it('takes a token response, keeping only the fields of a token', async () => {
    expect(await answering({ ...TOKEN, extra: 'x' }).getToken()).toEqual(TOKEN);
    expect(await answering({ ...TOKEN, scope: 'api' }).getToken()).toEqual({ ...TOKEN, scope: 'api' });
    const local = { ...TOKEN, instanceUrl: 'http://127.0.0.1:8080' };
    expect(await answering(local).getToken()).toEqual(local);
  });

  it.each([
    ['no access token', { ...TOKEN, accessToken: undefined }],
    ['an empty access token', { ...TOKEN, accessToken: '' }],
    ['an instance URL that is not a URL', { ...TOKEN, instanceUrl: 'acme.my.salesforce.com' }],
    ['an instance URL that is not http(s)', { ...TOKEN, instanceUrl: 'ftp://acme.example' }],
    ['no token type', { ...TOKEN, tokenType: undefined }],
    ['a time that is not a number', { ...TOKEN, expiresAt: '7201000' }],
    ['a scope that is not text', { ...TOKEN, scope: ['api'] }],
    ['an array', [TOKEN]],
    ['null', null],
  ])('refuses an answer with %s, quoting none of it', async (_, payload) => {
    const error = await answering(payload)
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenVendorError);
    expect((error as Error).message).toBe('Token vendor "vendor" answered without a valid token response');
  });
});
