import { DEFAULT_BULK_THRESHOLD } from '../constants.js';
import { upsertWithBulk, type BulkUpsertOptions } from '../salesforce/bulk-ingest.js';
import type { MergedItem, RecordOutcome, SyncItem } from '../record-outcome.js';
import { upsertWithCollections, type CollectionsUpsertOptions } from '../salesforce/collections-upsert.js';
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
 * and each item's own reference gets the outcome. Every item gets exactly one outcome. External
 * IDs that differ only in case are never merged: they are written in separate calls (Bulk: jobs),
 * one after another, so Salesforce's own matching decides and the later change wins.
 */
export async function upsertRecords(
  client: SalesforceApi,
  items: readonly SyncItem[],
  options: UpsertRecordsOptions,
): Promise<UpsertRecordsResult> {
  const rounds = mergeByExternalId(items, options.externalIdField);
  const target = { sobject: options.sobject, externalIdField: options.externalIdField };
  const merged = rounds.flat();
  if (merged.length > (options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD)) {
    // Bulk starts a new job, run after the one before, wherever an external ID repeats in any case.
    return { api: 'bulk', outcomes: await upsertWithBulk(client, merged, { ...options.bulk, ...target }) };
  }
  return {
    api: 'collections',
    outcomes: await upsertRounds(client, rounds, { ...target, concurrency: options.concurrency }),
  };
}

/** Writes merged rounds with sObject Collections, each round once the one before has finished. */
export async function upsertRounds(
  client: SalesforceApi,
  rounds: readonly (readonly MergedItem[])[],
  options: CollectionsUpsertOptions,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const round of rounds) outcomes.push(...(await upsertWithCollections(client, round, options)));
  return outcomes;
}
