import { DEFAULT_BULK_THRESHOLD } from '../constants.js';
import { upsertWithBulk, type BulkUpsertOptions } from '../salesforce/bulk-ingest.js';
import type { RecordOutcome, SyncItem } from '../record-outcome.js';
import { upsertWithCollections } from '../salesforce/collections-upsert.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import { mergeByExternalId } from './merge-duplicates.js';

export interface UpsertRecordsOptions {
  sobject: string;
  externalIdField: string;
  /** More records than this go through Bulk API 2.0 (`SYNC_BULK_THRESHOLD`, default 2000). */
  bulkThreshold?: number | undefined;
  /** Collections calls in flight at once. Default 3. */
  concurrency?: number | undefined;
  bulk?: Omit<BulkUpsertOptions, 'sobject' | 'externalIdField'> | undefined;
}

export interface UpsertRecordsResult {
  outcomes: RecordOutcome[];
  api: 'collections' | 'bulk';
}

/**
 * Upserts records (all with an external ID value) by external ID, choosing sObject Collections
 * or Bulk API 2.0 by volume. Items sharing an external ID are merged first, later fields winning,
 * and each item's own reference gets the outcome. Every item gets exactly one outcome.
 */
export async function upsertRecords(
  client: SalesforceApi,
  items: readonly SyncItem[],
  options: UpsertRecordsOptions,
): Promise<UpsertRecordsResult> {
  const merged = mergeByExternalId(items, options.externalIdField);
  const target = { sobject: options.sobject, externalIdField: options.externalIdField };
  if (merged.length > (options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD)) {
    return { api: 'bulk', outcomes: await upsertWithBulk(client, merged, { ...options.bulk, ...target }) };
  }
  return {
    api: 'collections',
    outcomes: await upsertWithCollections(client, merged, { ...target, concurrency: options.concurrency }),
  };
}
