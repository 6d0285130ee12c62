/**
 * `sf-lambda-bridge/middy`: the `salesforce()` middy middleware, which puts a
 * `SalesforceClient` on `context.salesforce`, built once per container and bounded by each
 * invocation's remaining time.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import { salesforce, type SalesforceContext } from 'sf-lambda-bridge/middy';
 *
 * export const handler = middy<unknown, unknown, Error, SalesforceContext>(async (_event: unknown, context: SalesforceContext) =>
 *   (await context.salesforce.request('GET', '/limits')).body,
 * ).use(salesforce());
 * ```
 *
 * @packageDocumentation
 */
export {
  salesforce,
  type SalesforceContext,
  type SalesforceMiddlewareOptions,
} from '../functions/shared/salesforce-middleware.js';
