import { failed, type MergedItem, type RecordOutcome } from '../record-outcome.js';
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
  const writer = new BulkStreamWriter(client, {
    ...options,
    emit: (outcome) => {
      outcomes.push(outcome);
    },
  });
  for (const item of items) await writer.write(item);
  for (const job of await writer.end()) {
    for (const refs of job.refs.values()) {
      for (const ref of refs) {
        outcomes.push(
          failed(
            ref,
            'BULK_JOB_INCOMPLETE',
            `Bulk job ${job.id} was still ${job.state} when time ran out; its records may or may not be written`,
          ),
        );
      }
    }
  }
  return outcomes;
}

/** `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`, Salesforce's sf__Error format. */
export function parseBulkError(text: string | undefined): {
  statusCode: string;
  message: string;
  fields?: string[] | undefined;
} {
  if (text === undefined)
    return { statusCode: 'UNPROCESSED', message: 'Salesforce returned no result for this record' };
  const match = /^([A-Z_]+):(.*?)(?::([A-Za-z0-9_.,\s]*))?\s*--\s*$/s.exec(text);
  if (!match) return { statusCode: 'BULK_ROW_FAILED', message: text };
  const fields = match[3]
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return {
    statusCode: match[1] ?? 'BULK_ROW_FAILED',
    message: match[2] ?? '',
    fields: fields?.length ? fields : undefined,
  };
}
