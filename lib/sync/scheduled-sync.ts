import type { SalesforceRestClient } from '../salesforce/rest-client.js';
import { failed, type RecordFailed, type RecordOutcome, type SyncItem } from './record-outcome.js';
import { describeIssues, externalIdOf, recordSchema } from './record-schema.js';
import { upsertRecords } from './record-sync.js';
import { readSource } from './source-reader.js';
import { countOutcomes, isFailure } from './sync-report.js';

/** How many failures the summary lists (all are counted). */
export const SUMMARY_MAX_FAILURES = 50;

export interface ScheduledSyncOptions {
  client: SalesforceRestClient;
  sourceUrl: string;
  sobject: string;
  externalIdField: string;
  bulkThreshold?: number;
  concurrency?: number;
  dryRun?: boolean;
  fetch?: typeof fetch;
}

export interface SyncFailure {
  ref: string;
  externalId?: string;
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
    timeoutMs: Math.max(1_000, Math.min(60_000, options.client.remainingMs())),
    ...(options.fetch ? { fetch: options.fetch } : {}),
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
      refused.push(failed(entry.ref, 'INVALID_RECORD', describeIssues(record.error)));
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
          ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        });
  const outcomes: RecordOutcome[] = result.outcomes;
  const counts = countOutcomes(outcomes);
  const failures = [...refused, ...outcomes.filter(isFailure)];
  return {
    read: entries.length,
    created: counts.created,
    updated: counts.updated,
    failed: failures.length,
    failures: failures.slice(0, SUMMARY_MAX_FAILURES).map((f) => {
      const externalId = externalIds.get(f.ref);
      return {
        ref: f.ref,
        ...(externalId ? { externalId } : {}),
        statusCode: f.statusCode,
        message: f.message,
      };
    }),
    apiCalls: options.client.apiCalls,
    durationMs: Date.now() - started,
    api: result.api,
    dryRun: options.dryRun ?? false,
  };
}
