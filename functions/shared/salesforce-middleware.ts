import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { SalesforceClient } from '../../lib/client/salesforce-client.js';
import type { SalesforceClientOptions } from '../../lib/client/client-options.js';
import { invalidConfiguration } from '../../lib/errors.js';

/** Options of {@link salesforce}: the client's own, except the deadline, which each invocation sets. */
export type SalesforceMiddlewareOptions = Omit<SalesforceClientOptions, 'deadline'>;

/** The Lambda context once {@link salesforce} has run: `context.salesforce` is the client. */
export type SalesforceContext = Context & { salesforce: SalesforceClient };

/**
 * A middy middleware that puts a {@link SalesforceClient} on `context.salesforce`. The client is
 * built (and its options validated) once, when the middleware is created, so its token cache
 * lasts as long as the container; in `before`, it is given the invocation's deadline from
 * `context.getRemainingTimeInMillis()`. Lambda runs one invocation at a time per execution
 * environment, so the deadline is always the running invocation's own.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import { salesforce, type SalesforceContext } from 'sf-lambda-bridge/middy';
 *
 * export const handler = middy<unknown, unknown, Error, SalesforceContext>(async (_event: unknown, context: SalesforceContext) => {
 *   const { body } = await context.salesforce.request('GET', '/limits');
 *   return body;
 * }).use(salesforce()); // tokens from env TOKEN_VENDOR_FUNCTION
 * ```
 * @throws {ConfigurationError} at once, on an unknown or invalid option or no token vendor.
 */
export function salesforce(
  options: SalesforceMiddlewareOptions = {},
): MiddlewareObj<unknown, unknown, Error, SalesforceContext> {
  if (Object.hasOwn(options, 'deadline')) {
    throw invalidConfiguration('salesforce() options', [
      { field: 'deadline', problem: 'is set from the Lambda context' },
    ]);
  }
  let invocation: Pick<Context, 'getRemainingTimeInMillis'> | undefined;
  const client = new SalesforceClient({
    ...options,
    deadline: () => (invocation ? Date.now() + invocation.getRemainingTimeInMillis() : Infinity),
  });
  return {
    name: 'salesforce',
    before: (request) => {
      invocation = request.context;
      request.context.salesforce = client;
    },
  };
}
