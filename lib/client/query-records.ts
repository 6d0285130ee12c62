import { invalidConfiguration, UnexpectedResponseError } from '../errors.js';
import type { SalesforceRestClient } from '../salesforce/rest-client.js';

/** A record as a query returns it: the selected fields, and Salesforce's `attributes`. */
export interface QueryRecord {
  attributes?: { type: string; url: string } | undefined;
  [field: string]: unknown;
}

export interface QueryOptions {
  /**
   * Records per page to ask for, 200 to 2,000 (`Sforce-Query-Options: batchSize`); Salesforce
   * treats it as a hint. Default: Salesforce's own, 2,000.
   */
  batchSize?: number | undefined;
}

interface QueryPage {
  done: boolean;
  nextRecordsUrl?: string;
  records: unknown[];
}

/**
 * The records of a SOQL query, page by page: the next page is asked for only once the caller has
 * taken every record of the current one, so one page at most is held in memory. Paging follows
 * `nextRecordsUrl` while `done` is false
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm).
 */
export async function* queryRecords<T extends object = QueryRecord>(
  rest: SalesforceRestClient,
  soql: string,
  options: QueryOptions = {},
): AsyncGenerator<T, void, undefined> {
  // The batch size goes with the first request only; the locator keeps it for the later pages
  // (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm).
  const headers = batchSizeHeader(options.batchSize);
  let path: string | undefined = `/query?q=${encodeURIComponent(soql)}`;
  let request = headers ? { headers } : {};
  while (path !== undefined) {
    const { body } = await rest.request('GET', path, request);
    const page = checkPage(body);
    request = {};
    path = page.done ? undefined : page.nextRecordsUrl;
    yield* page.records as T[];
  }
}

function batchSizeHeader(batchSize: number | undefined): Record<string, string> | undefined {
  if (batchSize === undefined) return undefined;
  if (!Number.isInteger(batchSize) || batchSize < 200 || batchSize > 2000) {
    throw invalidConfiguration('query options', [
      { field: 'batchSize', problem: 'must be a whole number from 200 to 2000' },
    ]);
  }
  return { 'sforce-query-options': `batchSize=${batchSize}` };
}

/**
 * A page must list its records, and name its successor while it is not the last. The successor
 * must be a REST path of the same instance: the client sends its bearer token there.
 */
function checkPage(body: unknown): QueryPage {
  const page = (typeof body === 'object' && body !== null ? body : {}) as Partial<QueryPage>;
  if (!Array.isArray(page.records) || typeof page.done !== 'boolean') {
    throw new UnexpectedResponseError('Salesforce answered a query without records or done');
  }
  if (
    !page.done &&
    (typeof page.nextRecordsUrl !== 'string' || !page.nextRecordsUrl.startsWith('/services/data/'))
  ) {
    throw new UnexpectedResponseError(
      'Salesforce answered an unfinished query without a usable nextRecordsUrl',
    );
  }
  return page as QueryPage;
}
