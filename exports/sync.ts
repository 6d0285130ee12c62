/**
 * `sf-lambda-bridge/sync`: the building blocks of this package's sync functions, for teams
 * writing their own sync Lambdas. SQS batches with partial batch failures
 * ({@link syncSqsBatch}), a scheduled read-validate-upsert run ({@link runScheduledSync}), a
 * streaming reader of S3 and https sources in NDJSON, JSON array or CSV ({@link readSource};
 * `s3://` needs the optional peer `@aws-sdk/client-s3`),
 * record validation ({@link recordSchema}, {@link messageSchema}), upserts by external ID through
 * sObject Collections or Bulk API 2.0 ({@link upsertRecords}), one outcome per record, and the
 * per-container runtime the functions share (logger, metrics, token source, deadline-bound client).
 *
 * Their `client` is any {@link SalesforceApi}: a `SalesforceClient` from
 * `sf-lambda-bridge/client` (or `context.salesforce` from the `salesforce()` middy middleware,
 * which also bounds it by each invocation's remaining time), or the runtime's own client from
 * {@link startInvocation}.
 *
 * @example
 * ```ts
 * import type { SQSEvent } from 'aws-lambda';
 * import { SalesforceClient } from 'sf-lambda-bridge/client';
 * import { syncSqsBatch } from 'sf-lambda-bridge/sync';
 *
 * // At module scope, so its token cache outlives invocations; TOKEN_VENDOR_FUNCTION names the vendor.
 * const salesforce = new SalesforceClient();
 *
 * export const handler = async (event: SQSEvent) => {
 *   const { response } = await syncSqsBatch(event.Records, {
 *     client: salesforce,
 *     defaults: { sobject: 'Order__c', externalIdField: 'Ext_Id__c' },
 *   });
 *   return response; // {batchItemFailures}: enable ReportBatchItemFailures on the event source
 * };
 * ```
 *
 * @packageDocumentation
 */

export { syncSqsBatch, type SqsSyncOptions, type SqsSyncResult } from '../lib/sync/sqs-batch.js';
export type { SalesforceApi } from '../lib/salesforce/salesforce-api.js';
export { ApiBudget, withApiBudget, type ApiBudgetOptions } from '../lib/salesforce/api-budget.js';
export {
  runScheduledSync,
  type ScheduledSyncOptions,
  type SyncFailure,
  type JobSummary,
  type SyncSummary,
} from '../lib/sync/scheduled-sync.js';
export {
  readSource,
  type ReadSourceOptions,
  type SourceEntry,
  type SourceEntryCode,
} from '../lib/sync/source-reader.js';
export {
  upsertRecords,
  type UpsertRecordsOptions,
  type UpsertRecordsResult,
} from '../lib/sync/record-sync.js';
export {
  describeRecordIssues,
  externalIdOf,
  messageSchema,
  recordSchema,
  type SyncRecord,
} from '../lib/sync/record-schema.js';
export {
  countOutcomes,
  failed,
  isFailure,
  type OutcomeCounts,
  type RecordFailed,
  type RecordOutcome,
  type RecordWritten,
  type SyncItem,
} from '../lib/record-outcome.js';
export {
  readScheduledSyncEnv,
  readSyncEnv,
  SOURCE_FORMATS,
  type ScheduledSyncEnv,
  type SourceFormat,
  type SyncEnv,
} from '../lib/env.js';
export { redactUrl } from '../lib/logging/redact.js';
export { createSyncRuntime, startInvocation, type SyncRuntime } from '../functions/shared/sync-runtime.js';
export type { S3Location } from '../lib/s3-location.js';
