/**
 * `sf-lambda-bridge`: what every subpath shares. The token and provider types, the shape of a
 * client the sync building blocks take ({@link SalesforceApi}), the record outcome types, and
 * every error class this package throws, each with a stable `code`. Importing it loads nothing
 * but the error classes.
 *
 * The other subpaths: `sf-lambda-bridge/client` (call Salesforce through the token vendor),
 * `/middy` (the `salesforce()` middleware), `/vendor` (mint tokens, deploy the vendor),
 * `/sync` (write records from SQS and schedules), `/testing` (the local emulators).
 *
 * @example
 * ```ts
 * import { SalesforceApiError, type SalesforceToken } from 'sf-lambda-bridge';
 *
 * try {
 *   await client.request('GET', '/sobjects/Account/001000000000001');
 * } catch (error) {
 *   if (error instanceof SalesforceApiError && error.errorCode === 'NOT_FOUND') return undefined;
 *   throw error;
 * }
 * ```
 *
 * @packageDocumentation
 */

export type { SalesforceToken } from '../lib/token/salesforce-token.js';
export type { TokenCallOptions, TokenProvider } from '../lib/token/caching-token-provider.js';
export type { SalesforceApi } from '../lib/salesforce/salesforce-api.js';
export type { RestRequest, RestResponse } from '../lib/salesforce/rest-client.js';
export type { VendorRequest, VendorResponse } from '../lib/token/vendor-request.js';
export type {
  OutcomeCounts,
  RecordFailed,
  RecordOutcome,
  RecordWritten,
  SyncItem,
} from '../lib/record-outcome.js';
export type { FieldProblem } from '../lib/schema-issues.js';

// Callers switch on `code` (e.g. `error.code === SalesforceAuthError.code`), never on messages.
export {
  ApiBudgetExhaustedError,
  BatchFailedError,
  ConfigurationError,
  DeadlineExceededError,
  ForbiddenKeyError,
  InvalidEventError,
  PrivateKeyError,
  ReportWriteError,
  RequestLimitExceededError,
  SalesforceApiError,
  SalesforceAuthError,
  SalesforceUnavailableError,
  SecretFetchError,
  SecretFormatError,
  SfBridgeError,
  SourceReadError,
  TokenVendorError,
  UnexpectedResponseError,
  type OAuthErrorDetails,
  type SalesforceErrorItem,
  type SfBridgeErrorOptions,
  type SourceLimit,
} from '../lib/errors.js';
