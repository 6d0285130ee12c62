import type { RestRequest, RestResponse } from './rest-client.js';

/**
 * What the sync building blocks need of a Salesforce client: REST calls, the API version, and
 * the time left before the caller's deadline. `SalesforceClient` (`sf-lambda-bridge/client`)
 * and the sync functions' own client both have this shape, so `syncSqsBatch`,
 * `runScheduledSync` and `upsertRecords` take either.
 *
 * @example
 * ```ts
 * import { SalesforceClient } from 'sf-lambda-bridge/client';
 * import { upsertRecords, type SalesforceApi } from 'sf-lambda-bridge/sync';
 *
 * const salesforce: SalesforceApi = new SalesforceClient();
 * const { outcomes } = await upsertRecords(salesforce, [{ ref: 'a', record: { Ext_Id__c: 'A-1', Name: 'Acme' } }], {
 *   sobject: 'Account',
 *   externalIdField: 'Ext_Id__c',
 * });
 * ```
 */
export interface SalesforceApi {
  /** The REST API version paths are relative to, e.g. `66.0`. */
  readonly apiVersion: string;
  /** HTTP requests sent to Salesforce so far (a scheduled run reports how many it made). */
  readonly apiCalls: number;
  /**
   * Milliseconds left before the deadline, less the safety margin kept for reporting
   * (`Infinity` without a deadline). Bulk polling and source reads stay within it.
   */
  remainingMs(): number;
  /** One REST call; paths are relative to `/services/data/vXX.X` unless they start with `/services/`. */
  request<T = unknown>(method: string, path: string, request?: RestRequest): Promise<RestResponse<T>>;
}
