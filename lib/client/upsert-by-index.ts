import { ConfigurationError } from '../errors.js';
import { failed, type RecordOutcome, type SyncItem } from '../record-outcome.js';
import type { SalesforceRestClient } from '../salesforce/rest-client.js';
import { SALESFORCE_API_NAME } from '../salesforce-names.js';
import { describeRecordIssues, externalIdOf, recordSchema } from '../sync/record-schema.js';
import { upsertRecords } from '../sync/record-sync.js';

export interface UpsertOptions {
  /** More records than this go through Bulk API 2.0 instead of sObject Collections. Default 2000. */
  bulkThreshold?: number | undefined;
  /** sObject Collections calls in flight at once. Default 3. */
  concurrency?: number | undefined;
}

/**
 * Upserts records by external ID exactly as the sync functions do (Collections or Bulk API 2.0
 * by volume, duplicates merged), and returns one outcome per record in input order:
 * `outcomes[i]` is `records[i]`'s, with `ref` `String(i)`. A record that is not a field map, or
 * that has no external ID value, fails on its own (`INVALID_RECORD`, `MISSING_EXTERNAL_ID`)
 * without being sent.
 */
export async function upsertByIndex(
  rest: SalesforceRestClient,
  sobject: string,
  externalIdField: string,
  records: readonly unknown[],
  options: UpsertOptions = {},
): Promise<RecordOutcome[]> {
  // Both names become part of the request path: anything but an API name is refused.
  for (const [field, value] of [
    ['sobject', sobject],
    ['externalIdField', externalIdField],
  ] as const) {
    if (!SALESFORCE_API_NAME.test(value)) {
      throw new ConfigurationError(`Invalid upsert: ${field} must be a Salesforce API name`, {
        problems: [{ field, problem: 'must be a Salesforce API name' }],
      });
    }
  }
  const outcomes: RecordOutcome[] = [];
  const items: SyncItem[] = [];
  records.forEach((raw, index) => {
    const ref = String(index);
    const record = recordSchema.safeParse(raw);
    if (!record.success) {
      outcomes[index] = failed(ref, 'INVALID_RECORD', describeRecordIssues(record.error));
    } else if (externalIdOf(record.data, externalIdField) === undefined) {
      outcomes[index] = failed(ref, 'MISSING_EXTERNAL_ID', `no value for ${externalIdField}`, [
        externalIdField,
      ]);
    } else {
      items.push({ ref, record: record.data });
    }
  });
  if (items.length > 0) {
    const written = await upsertRecords(rest, items, {
      sobject,
      externalIdField,
      bulkThreshold: options.bulkThreshold,
      concurrency: options.concurrency,
    });
    for (const outcome of written.outcomes) outcomes[Number(outcome.ref)] = outcome;
  }
  return outcomes;
}
