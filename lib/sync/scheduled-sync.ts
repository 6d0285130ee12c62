import type { S3Client } from '@aws-sdk/client-s3';
import { SUMMARY_MAX_FAILURES } from '../constants.js';
import type { SourceFormat } from '../env.js';
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
  /** `SYNC_SOURCE_FORMAT`. Default: from each object's extension or Content-Type. */
  sourceFormat?: SourceFormat | undefined;
  /** `SYNC_MAX_SOURCE_BYTES`, as sent and after decompression. Default 1 GiB. */
  maxSourceBytes?: number | undefined;
  /** `SYNC_MAX_RECORD_BYTES`. Default 2 MiB. */
  maxRecordBytes?: number | undefined;
  /** The S3 client of an `s3://` source. Default: one configured by the SDK's env vars. */
  s3?: S3Client | undefined;
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
 * Reads the source as a stream (`readSource`), validates every record, and upserts the valid
 * ones into the sObject by external ID (Collections or Bulk API 2.0 by volume). Reading stops
 * with a `SourceReadError` by the client's deadline (the Lambda's remaining time less the
 * safety margin). With `dryRun`, nothing is written and the summary says what would have been
 * refused before reaching Salesforce.
 */
export async function runScheduledSync(options: ScheduledSyncOptions): Promise<SyncSummary> {
  const started = Date.now();
  const remainingMs = options.client.remainingMs();
  const entries = readSource(options.sourceUrl, {
    format: options.sourceFormat,
    maxSourceBytes: options.maxSourceBytes,
    maxRecordBytes: options.maxRecordBytes,
    deadline: Number.isFinite(remainingMs) ? started + remainingMs : undefined,
    s3: options.s3,
  });
  const refused: RecordFailed[] = [];
  // TODO(issue 11, streaming write): the valid records are still collected here and upserted
  // once the whole source is read, so memory grows with the number of valid records (not with
  // the source's bytes). The write side becomes a streaming Bulk pipeline in a later change.
  const items: SyncItem[] = [];
  const externalIds = new Map<string, string>();
  let read = 0;
  for await (const entry of entries) {
    read += 1;
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
    read,
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
