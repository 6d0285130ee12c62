// The salesforce() middy middleware: a handler run through middy with a Lambda context object (no
// wire is faked: the client inside calls the token vendor and the Salesforce emulator for real).
import middy from '@middy/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { SalesforceClient } from '../../exports/client.js';
import { salesforce, type SalesforceContext } from '../../exports/middy.js';
import { DEADLINE_SAFETY_MS } from '../../lib/constants.js';
import { ConfigurationError, DeadlineExceededError } from '../../lib/errors.js';
import { stubEnv } from '../helpers/env.js';
import { lambdaContext } from '../helpers/lambda.js';
import { useVendorStack, VENDOR_FUNCTION } from '../helpers/vendor-stack.js';

const harness = useVendorStack();

/** A Lambda context as the runtime passes it; middy's types want the context the middleware makes. */
const invocationContext = (timeoutMs?: number) => lambdaContext('caller', timeoutMs) as SalesforceContext;

describe('salesforce()', () => {
  it('puts a working client on context.salesforce, the same one for every invocation', async () => {
    harness.stack.salesforce.insertRecord('Account', { Ext_Id__c: 'm-1', Name: 'Middy' });
    const clients: SalesforceClient[] = [];
    const handler = middy<{ ext: string }, string[], Error, SalesforceContext>(
      async (event: { ext: string }, context: SalesforceContext) => {
        expectTypeOf(context.salesforce).toEqualTypeOf<SalesforceClient>();
        clients.push(context.salesforce);
        const names: string[] = [];
        const soql = `SELECT Name FROM Account WHERE Ext_Id__c = '${event.ext}'`;
        for await (const r of context.salesforce.query<{ Name: string }>(soql)) names.push(r.Name);
        return names;
      },
    ).use(salesforce());

    const invocations = harness.vendorInvocations();
    expect(await handler({ ext: 'm-1' }, invocationContext())).toEqual(['Middy']);
    expect(await handler({ ext: 'm-2' }, invocationContext())).toEqual([]);
    expect(clients).toHaveLength(2);
    expect(clients[0]).toBeInstanceOf(SalesforceClient);
    expect(clients[1]).toBe(clients[0]);
    // The token cache outlived the first invocation: the vendor was asked once.
    expect(harness.vendorInvocations() - invocations).toBe(1);
  });

  it("bounds each invocation's calls by that invocation's own remaining time", async () => {
    const handler = middy<unknown, number, Error, SalesforceContext>(
      async (_event: unknown, context: SalesforceContext) => {
        const { status } = await context.salesforce.request('GET', '/limits');
        return status;
      },
    ).use(salesforce());
    // Plenty of time: the call is made (and the token fetched, so the next call only needs the API).
    expect(await handler({}, invocationContext(30_000))).toBe(200);
    const calls = harness.stack.salesforce.stats.apiCalls;
    const invocations = harness.vendorInvocations();
    // Less time left than the safety margin: nothing is started, not even a token fetch.
    await expect(handler({}, invocationContext(DEADLINE_SAFETY_MS - 500))).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    expect(harness.stack.salesforce.stats.apiCalls).toBe(calls);
    expect(harness.vendorInvocations()).toBe(invocations);
    // The next invocation has its own deadline again.
    expect(await handler({}, invocationContext(30_000))).toBe(200);
    expect(harness.stack.salesforce.stats.apiCalls).toBe(calls + 1);
  });

  it('ends an invocation whose token vendor hangs with DeadlineExceededError, before its deadline', async () => {
    const handler = middy<unknown, number, Error, SalesforceContext>(
      async (_event: unknown, context: SalesforceContext) => {
        const { status } = await context.salesforce.request('GET', '/limits');
        return status;
      },
    ).use(salesforce());
    const calls = harness.stack.salesforce.stats.apiCalls;
    harness.lambda.holdInvocations(VENDOR_FUNCTION);
    try {
      // 300 ms of waiting once the safety margin is kept back, and the vendor never answers in it.
      const error = await handler({}, invocationContext(DEADLINE_SAFETY_MS + 300)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(harness.stack.salesforce.stats.apiCalls).toBe(calls);
    } finally {
      // The abandoned invoke still runs once released: let it finish within this test.
      harness.lambda.releaseInvocations();
      await harness.lambda.whenIdle();
    }
    // The next invocation, with time enough, gets a token and makes its call.
    expect(await handler({}, invocationContext(30_000))).toBe(200);
    expect(harness.stack.salesforce.stats.apiCalls).toBe(calls + 1);
  });

  it('validates its options once, when it is created', () => {
    const attempt = (options: unknown): unknown => {
      try {
        salesforce(options as never);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(attempt({ tokenVendr: 'x' })).toBeInstanceOf(ConfigurationError);
    expect(attempt({ tokenVendor: '' })).toMatchObject({ problems: [{ field: 'tokenVendor' }] });
    expect(attempt({ deadline: () => 0 })).toMatchObject({ problems: [{ field: 'deadline' }] });
    stubEnv({ TOKEN_VENDOR_FUNCTION: undefined });
    expect(attempt({})).toMatchObject({ problems: [{ field: 'TOKEN_VENDOR_FUNCTION' }] });
    expect(attempt({ tokenVendor: 'arn:aws:lambda:eu-west-1:000000000000:function:sf-token-vendor' })).toBe(
      undefined,
    );
  });
});
