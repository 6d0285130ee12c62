import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { requestToken } from '../../lib/auth/oauth-client.js';
import { SalesforceAuthError, SalesforceUnavailableError } from '../../lib/errors.js';

let salesforce: SalesforceEmulator;
const form = () =>
  Promise.resolve(
    new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }),
  );
const fast = { minDelayMs: 5, maxDelayMs: 10 };

beforeAll(async () => {
  salesforce = await SalesforceEmulator.start();
});

afterAll(async () => {
  await salesforce.close();
});

beforeEach(() => {
  salesforce.clearFaults();
});

describe('requestToken', () => {
  it('retries a 200 that is not a token response, never quoting its body', async () => {
    salesforce.injectFault({
      endpoint: 'token',
      status: 200,
      body: { access_token: '', note: 'partial-body-marker' },
      times: 5,
    });
    const before = salesforce.stats.tokenRequests;
    const error = await requestToken(salesforce.url, form, { ...fast, maxAttempts: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SalesforceUnavailableError);
    expect((error as Error).message).toMatch(/answered 200 without a usable token response/);
    expect((error as Error).message).not.toContain('partial-body-marker');
    expect(salesforce.stats.tokenRequests - before).toBe(2);
  });

  it('a non-OAuth error page (wrong URL) is a typed, non-retried error with a hint', async () => {
    salesforce.injectFault({ endpoint: 'token', status: 404, rawBody: '<html>Not Found</html>' });
    const before = salesforce.stats.tokenRequests;
    const error = await requestToken(salesforce.url, form, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceAuthError);
    expect(error).toMatchObject({ error: 'http_404', status: 404 });
    expect((error as Error).message).toMatch(/loginUrl is the Salesforce login host or My Domain URL/);
    expect(salesforce.stats.tokenRequests - before).toBe(1);
  });

  it('signs a fresh form for every attempt', async () => {
    salesforce.injectFault({ endpoint: 'token', status: 502, rawBody: 'bad gateway', times: 2 });
    let built = 0;
    await requestToken(salesforce.url, () => ((built += 1), form()), fast).catch(() => undefined);
    expect(built).toBe(3);
  });
});
