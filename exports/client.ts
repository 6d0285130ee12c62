/**
 * `sf-lambda-bridge/client`: call Salesforce from any Lambda with tokens from the token vendor.
 * Nothing here holds a key or signs anything: importing this subpath loads no `jose`, no secret
 * code and no `@aws-sdk/client-secrets-manager` (test/client/caller-bundle.test.ts checks it).
 *
 * @example
 * ```ts
 * import { SalesforceClient } from 'sf-lambda-bridge/client';
 *
 * const salesforce = new SalesforceClient(); // env TOKEN_VENDOR_FUNCTION: the vendor's name or ARN
 * const { body } = await salesforce.request('GET', '/limits');
 * ```
 *
 * @packageDocumentation
 */
export { SalesforceClient } from '../lib/client/salesforce-client.js';
export type { SalesforceClientOptions } from '../lib/client/client-options.js';
export type { QueryOptions, QueryRecord } from '../lib/client/query-records.js';
export type { UpsertOptions } from '../lib/client/upsert-by-index.js';
export { VendorTokenProvider, type VendorTokenProviderOptions } from '../lib/token/vendor-token-provider.js';
export type { TokenCallOptions, TokenProvider } from '../lib/token/caching-token-provider.js';
export type { SalesforceToken } from '../lib/token/salesforce-token.js';
export type { RestRequest, RestResponse } from '../lib/salesforce/rest-client.js';
export type { ApiUsage } from '../lib/salesforce/limit-info.js';
export type { RecordFailed, RecordOutcome, RecordWritten } from '../lib/record-outcome.js';
