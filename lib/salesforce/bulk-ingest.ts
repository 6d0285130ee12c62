import type { MergedItem, RecordOutcome } from '../record-outcome.js';
import { failRest } from './bulk-results.js';
import { BulkStreamWriter, type BulkStreamOptions } from './bulk-stream-writer.js';
import type { SalesforceApi } from './salesforce-api.js';

export type BulkUpsertOptions = Omit<BulkStreamOptions, 'emit'>;

/**
 * Upserts merged records with Bulk API 2.0 ingest jobs
 * (https://developer.salesforce.com/docs/platform/api-asynch/guide/walkthrough-upsert.html) and
 * returns one outcome per ref. A job that ends `Failed` or `Aborted` part way is read like any
 * other (its written rows are written); records of a job still running when time runs out are
 * reported failed as `BULK_JOB_INCOMPLETE` (their upserts are idempotent, so writing them again
 * later is safe).
 */
export async function upsertWithBulk(
  client: SalesforceApi,
  items: readonly MergedItem[],
  options: BulkUpsertOptions,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  const emit = (outcome: RecordOutcome) => {
    outcomes.push(outcome);
  };
  const writer = new BulkStreamWriter(client, { ...options, emit });
  for (const item of items) await writer.write(item);
  for (const job of await writer.end()) {
    await failRest(
      job.refs,
      emit,
      'BULK_JOB_INCOMPLETE',
      `Bulk job ${job.id} was still ${job.state} when time ran out; its records may or may not be written`,
    );
  }
  return outcomes;
}
