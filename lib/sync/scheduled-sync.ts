import {
  SOURCE_READ_MAX_TIMEOUT_MS,
  SOURCE_READ_MIN_TIMEOUT_MS,
  SUMMARY_MAX_FAILURES,
} from '../constants.js';
import {
  countOutcomes,
  failed,
  isFailure,
  type RecordFailed,
  type RecordOutcome,
  type SyncItem,
} from '../record-outcome.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import { describeRecordIssues, externalIdOf, recordSchema } from './record-schema.js';
import { upsertRecords } from './record-sync.js';
import { readSource } from './source-reader.js';

export interface ScheduledSyncOptions {
  /** A `SalesforceClient`, the sync runtime's client, or any {@link SalesforceApi}. */
  client: SalesforceApi;
  sourceUrl: string;
  sobject: string;
  externalIdField: string;
  bulkThreshold?: number | undefined;
  concurrency?: number | undefined;
  dryRun?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

export interface SyncFailure {
  ref: string;
  externalId?: string | undefined;
  statusCode: string;
  message: string;
}

/** The scheduled sync's result, returned by the handler and logged. */
export interface SyncSummary {
  read: number;
  created: number;
  updated: number;
  failed: number;
  /** The first 50 failures, with external ID and error. */
  failures: SyncFailure[];
  apiCalls: number;
  durationMs: number;
  api: 'collections' | 'bulk' | 'none';
  dryRun: boolean;
}

/**
 * Reads the source, validates every record, and upserts the valid ones into the sObject by
 * external ID (Collections or Bulk API 2.0 by volume). With `dryRun`, nothing is written and
 * the summary says what would have been refused before reaching Salesforce.
 */
export async function runScheduledSync(options: ScheduledSyncOptions): Promise<SyncSummary> {
  const started = Date.now();
  const entries = await readSource(options.sourceUrl, {
    timeoutMs: Math.max(
      SOURCE_READ_MIN_TIMEOUT_MS,
      Math.min(SOURCE_READ_MAX_TIMEOUT_MS, options.client.remainingMs()),
    ),
    fetch: options.fetch,
  });
  const refused: RecordFailed[] = [];
  const items: SyncItem[] = [];
  const externalIds = new Map<string, string>();
  for (const entry of entries) {
    if ('error' in entry) {
      refused.push(failed(entry.ref, 'INVALID_JSON', `source ${entry.ref} ${entry.error}`));
      continue;
    }
    const record = recordSchema.safeParse(entry.value);
    if (!record.success) {
      refused.push(failed(entry.ref, 'INVALID_RECORD', describeRecordIssues(record.error)));
      continue;
    }
    const externalId = externalIdOf(record.data, options.externalIdField);
    if (externalId === undefined) {
      refused.push(
        failed(entry.ref, 'MISSING_EXTERNAL_ID', `no value for ${options.externalIdField}`, [
          options.externalIdField,
        ]),
      );
      continue;
    }
    externalIds.set(entry.ref, externalId);
    items.push({ ref: entry.ref, record: record.data });
  }

  const result =
    options.dryRun || items.length === 0
      ? { outcomes: [], api: 'none' as const }
      : await upsertRecords(options.client, items, {
          sobject: options.sobject,
          externalIdField: options.externalIdField,
          bulkThreshold: options.bulkThreshold,
          concurrency: options.concurrency,
        });
  const outcomes: RecordOutcome[] = result.outcomes;
  const counts = countOutcomes(outcomes);
  const failures = [...refused, ...outcomes.filter(isFailure)];
  return {
    read: entries.length,
    created: counts.created,
    updated: counts.updated,
    failed: failures.length,
    failures: failures.slice(0, SUMMARY_MAX_FAILURES).map((f) => ({
      ref: f.ref,
      externalId: externalIds.get(f.ref),
      statusCode: f.statusCode,
      message: f.message,
    })),
    apiCalls: options.client.apiCalls,
    durationMs: Date.now() - started,
    api: result.api,
    dryRun: options.dryRun ?? false,
  };
}
