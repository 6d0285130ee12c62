import type { RecordOutcome } from '../record-outcome.js';
import type { ApiUsage } from '../salesforce/limit-info.js';
import { SalesforceRestClient, type RestRequest, type RestResponse } from '../salesforce/rest-client.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import type { TokenProvider } from '../token/caching-token-provider.js';
import { resolveClientOptions, type SalesforceClientOptions } from './client-options.js';
import { queryRecords, type QueryOptions, type QueryRecord } from './query-records.js';
import { upsertByIndex, type UpsertOptions } from './upsert-by-index.js';

/**
 * Calls Salesforce with tokens from the token vendor: the caller never holds a key. Build one
 * per container (module scope, or the `salesforce()` middy middleware) so that its token cache
 * outlives invocations: 1,000 concurrent first calls cause one vendor invoke, and a herd of
 * `401 INVALID_SESSION_ID` after a session ends causes one refresh (the stale token is passed on,
 * so the vendor logs in once for all its callers).
 *
 * It is a {@link SalesforceApi}, so the building blocks of `sf-lambda-bridge/sync`
 * (`syncSqsBatch`, `runScheduledSync`, `upsertRecords`) take it as their `client`.
 *
 * @example
 * ```ts
 * // TOKEN_VENDOR_FUNCTION names the vendor; SALESFORCE_API_VERSION defaults to 66.0.
 * const salesforce = new SalesforceClient();
 * const { body } = await salesforce.request('GET', '/limits');
 * for await (const account of salesforce.query('SELECT Id, Name FROM Account')) names.push(account.Name);
 * const outcomes = await salesforce.upsert('Account', 'Ext_Id__c', [{ Ext_Id__c: 'A-1', Name: 'Acme' }]);
 * ```
 */
export class SalesforceClient implements SalesforceApi {
  /** The token source (by default a `VendorTokenProvider`), shared by every call of this client. */
  readonly tokens: TokenProvider;
  readonly #rest: SalesforceRestClient;

  /** @throws {ConfigurationError} on an unknown or invalid option, or with no token vendor named. */
  constructor(options: SalesforceClientOptions = {}) {
    const resolved = resolveClientOptions(options);
    this.tokens = resolved.tokens;
    this.#rest = new SalesforceRestClient(resolved);
  }

  /** The REST API version the paths are relative to, e.g. `66.0`. */
  get apiVersion(): string {
    return this.#rest.apiVersion;
  }

  /** HTTP requests sent to Salesforce so far (each one counts against the org's API allocation). */
  get apiCalls(): number {
    return this.#rest.apiCalls;
  }

  /** The org's API usage from the latest `Sforce-Limit-Info` header, if any answer carried one. */
  get apiUsage(): ApiUsage | undefined {
    return this.#rest.apiUsage;
  }

  /**
   * Milliseconds left before the `deadline` option's time, less the 2 s kept back for reporting
   * (`DEADLINE_SAFETY_MS`); `Infinity` without a deadline. No call starts, and no token is waited
   * for, once it is down to zero.
   *
   * @example
   * ```ts
   * if (salesforce.remainingMs() < 30_000) return { done: false }; // leave the rest to the next run
   * ```
   */
  remainingMs(): number {
    return this.#rest.remainingMs();
  }

  /**
   * One REST call. `path` is relative to `/services/data/vXX.X` unless it starts with
   * `/services/`. Adds the bearer token, refreshes it once on `401 INVALID_SESSION_ID`, retries
   * 5xx, 429 and network errors (at most 4 attempts, jittered backoff, `Retry-After` honoured),
   * never retries `403 REQUEST_LIMIT_EXCEEDED`, and starts nothing past the deadline: it waits
   * for a token (a vendor invoke, say) only until then.
   *
   * @example
   * ```ts
   * const { body } = await salesforce.request<{ id: string }>('POST', '/sobjects/Account', { json: { Name: 'Acme' } });
   * ```
   * @throws {SalesforceApiError} Salesforce's error body, e.g. `errorCode` `INVALID_FIELD`.
   * @throws {SalesforceUnavailableError} after the retries, {@link DeadlineExceededError} when out of time.
   */
  request<T = unknown>(method: string, path: string, options?: RestRequest): Promise<RestResponse<T>> {
    return this.#rest.request<T>(method, path, options);
  }

  /**
   * The records of a SOQL query as an async iterable that follows `nextRecordsUrl` page by page:
   * the next page is fetched only when the loop reaches it, so memory holds one page at most.
   *
   * @example
   * ```ts
   * for await (const row of salesforce.query<{ Id: string; Name: string }>("SELECT Id, Name FROM Account WHERE Industry = 'Energy'")) {
   *   await handle(row.Id, row.Name); // the next page is fetched once this one is used up
   * }
   * ```
   */
  query<T extends object = QueryRecord>(soql: string, options?: QueryOptions): AsyncIterable<T> {
    return queryRecords<T>(this.#rest, soql, options);
  }

  /**
   * Upserts records by external ID, with sObject Collections (200 a call, a few calls at a time)
   * or, above 2,000 records, Bulk API 2.0, as the sync functions do. Returns one outcome per record
   * in input order: `outcomes[i]` belongs to `records[i]` (its `ref` is `String(i)`); a failed
   * record never fails its neighbours.
   *
   * @example
   * ```ts
   * const outcomes = await salesforce.upsert('Account', 'Ext_Id__c', [{ Ext_Id__c: 'A-1', Name: 'Acme' }]);
   * const failed = outcomes.filter((outcome) => !outcome.ok); // e.g. [{ ref: '0', statusCode: 'REQUIRED_FIELD_MISSING', ... }]
   * ```
   */
  upsert(
    sobject: string,
    externalIdField: string,
    records: readonly Record<string, unknown>[],
    options?: UpsertOptions,
  ): Promise<RecordOutcome[]> {
    // Imported statically: the writers carry no library, and a dynamic import, which a one-file
    // bundle inlines anyway, would add esbuild's lazy-module wrappers (about 0.9 KB) to every caller.
    return upsertByIndex(this.#rest, sobject, externalIdField, records, options);
  }
}
