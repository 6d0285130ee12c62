// Token waits bounded by the caller's deadline, against the emulators over real HTTP: the token
// vendor run by the Lambda Invoke emulator and reached through the real @aws-sdk/client-lambda
// (held with holdInvocations() until the test releases it), and logins to the Salesforce
// emulator. No assertion on elapsed time: each test shows the typed error arriving while the
// vendor (or the token endpoint) still has not answered, and what happens once it does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CC_CLIENT_ID } from '../../emulators/local-stack/stack.js';
import { createTokenVendorHandler } from '../../functions/shared/token-vendor-handler.js';
import { DEADLINE_SAFETY_MS } from '../../lib/constants.js';
import { DeadlineExceededError, TokenVendorError } from '../../lib/errors.js';
import { fromCredentials } from '../../lib/secret/credentials-source.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { VendorTokenProvider } from '../../lib/token/vendor-token-provider.js';
import { useVendorStack, VENDOR_FUNCTION } from '../helpers/vendor-stack.js';

const harness = useVendorStack();
let vendors = 0;

// A held invoke whose caller gave up still runs once released (and may log in): let it finish
// here, not in the next test.
afterEach(async () => {
  harness.lambda.releaseInvocations();
  await harness.lambda.whenIdle();
});

const NO_TOKEN = 'No Salesforce token before the deadline';

/** A deadline leaving `ms` of waiting once the safety margin is kept back. */
const inMs = (ms: number) => Date.now() + DEADLINE_SAFETY_MS + ms;

/** The in-memory Client Credentials of the local stack's app. */
const localCredentials = () =>
  fromCredentials({
    loginUrl: harness.stack.salesforce.url,
    clientId: LOCAL_CC_CLIENT_ID,
    clientSecret: harness.stack.clientSecret,
  });

/** A token vendor with a cold cache of its own, registered under a new name. */
function freshVendor(timeoutMs = 10_000): string {
  vendors += 1;
  const name = `fresh-vendor-${vendors}`;
  const handler = createTokenVendorHandler({ credentials: localCredentials() });
  harness.lambda.register(name, (event, context) => handler(event, context), { timeoutMs });
  return name;
}

/** Notes when `promise` settles, for asserting that it has not yet. */
function watch<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  return { promise: watched, settled: () => settled };
}

describe('VendorTokenProvider with a deadline', () => {
  it('stops waiting at its deadline while the vendor is held; the one invoke goes on and fills the cache', async () => {
    const tokens = new VendorTokenProvider({ functionName: VENDOR_FUNCTION });
    harness.lambda.holdInvocations(VENDOR_FUNCTION);
    const before = harness.vendorInvocations();
    // Started without a deadline: its invoke is never aborted.
    const patient = watch(tokens.getToken());
    const hurried = tokens.getToken({ deadline: inMs(100) });
    await expect(hurried).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(hurried).rejects.toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED' });
    expect(patient.settled()).toBe(false); // the vendor has not answered
    expect(tokens.invocations).toBe(1); // both callers shared one invoke

    harness.lambda.releaseInvocations();
    const token = await patient.promise;
    expect(harness.stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
    // A later call, with a deadline, gets the cached token at once: no second invoke.
    expect(await tokens.getToken({ deadline: inMs(100) })).toEqual(token);
    expect(tokens.invocations).toBe(1);
    expect(harness.vendorInvocations() - before).toBe(1);
  });

  it('aborts the invoke at the deadline of the call that started it; joined callers are let go too', async () => {
    const vendor = freshVendor();
    const tokens = new VendorTokenProvider({ functionName: vendor });
    const logins = harness.stack.salesforce.stats.logins;
    harness.lambda.holdInvocations(vendor);
    // A second of waiting: ample for the invoke to reach the vendor first (checked below).
    // Each rejection is taken as it comes: the two callers are let go by timers of their own.
    const starter = tokens.getToken({ deadline: inMs(1_000) }).catch((e: unknown) => e);
    // No deadline of its own: only the abandonment of the shared invoke ends its wait.
    const joined = tokens.getToken().catch((e: unknown) => e);
    await vi.waitFor(() => {
      expect(harness.lambda.heldInvocations).toBe(1);
    });
    expect(await starter).toBeInstanceOf(DeadlineExceededError);
    const error = await joined;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED', message: NO_TOKEN });
    expect(error).not.toBeInstanceOf(TokenVendorError); // the vendor did nothing wrong
    // The SDK's request was aborted: the vendor (still held, so it never answered) saw its
    // caller's connection close.
    await vi.waitFor(() => {
      expect(harness.lambda.abandoned[vendor]).toBe(1);
    });
    expect(harness.lambda.heldInvocations).toBe(1);
    expect(harness.stack.salesforce.stats.logins).toBe(logins);

    // Once released, the abandoned invoke still runs (as in Lambda): the vendor logs in and
    // caches the token. The next call invokes again and is answered from that cache.
    harness.lambda.releaseInvocations();
    await harness.lambda.whenIdle();
    expect(harness.stack.salesforce.stats.logins).toBe(logins + 1);
    const token = await tokens.getToken();
    expect(harness.stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
    expect(tokens.invocations).toBe(2);
    expect(harness.stack.salesforce.stats.logins).toBe(logins + 1);
  });

  it('bounds a refresh (after a 401) by the deadline as well', async () => {
    const tokens = new VendorTokenProvider({ functionName: VENDOR_FUNCTION });
    const stale = await tokens.getToken();
    harness.lambda.holdInvocations(VENDOR_FUNCTION);
    await expect(tokens.refreshToken(stale.accessToken, { deadline: inMs(100) })).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    harness.lambda.releaseInvocations();
    const fresh = await tokens.refreshToken(stale.accessToken);
    expect(fresh.accessToken).not.toBe(stale.accessToken);
  });

  it("surfaces the vendor's own deadline: a login that would outlast the vendor's timeout is abandoned first", async () => {
    // The vendor has 400 ms of waiting after its margin; the token endpoint answers far later.
    const vendor = freshVendor(DEADLINE_SAFETY_MS + 400);
    harness.stack.salesforce.injectFault({ endpoint: 'token', delayMs: 600_000 });
    const error = await new VendorTokenProvider({ functionName: vendor }).getToken().catch((e: unknown) => e);
    // A typed error from the vendor instead of Lambda's Sandbox.Timedout.
    expect(error).toBeInstanceOf(TokenVendorError);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_VENDOR', vendorErrorType: 'DeadlineExceededError' });
  });
});

describe('LocalTokenProvider with a deadline', () => {
  it('abandons the login at the deadline of the call that started it', async () => {
    const tokens = new LocalTokenProvider({ credentials: localCredentials() });
    harness.stack.salesforce.injectFault({ endpoint: 'token', delayMs: 600_000 });
    const { tokenRequests, logins } = harness.stack.salesforce.stats;
    const [starter, joined] = await Promise.allSettled([
      tokens.getToken({ deadline: inMs(150) }),
      tokens.getToken(),
    ]);
    expect(starter).toMatchObject({
      status: 'rejected',
      reason: expect.any(DeadlineExceededError) as unknown,
    });
    expect(joined).toMatchObject({
      status: 'rejected',
      reason: { code: 'ERR_DEADLINE_EXCEEDED', message: NO_TOKEN },
    });
    // The login request itself was aborted (else it would wait on the token endpoint's delay),
    // and not retried; Salesforce has not answered it.
    await vi.waitFor(() => {
      expect(tokens.stats).toEqual({ logins: 0, loginFailures: 1 });
    });
    expect(harness.stack.salesforce.stats.tokenRequests - tokenRequests).toBe(1);
    expect(harness.stack.salesforce.stats.logins).toBe(logins);

    // The next call logs in normally.
    const token = await tokens.getToken({ deadline: inMs(10_000) });
    expect(harness.stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
    expect(tokens.stats.logins).toBe(1);
  });
});
