import { invalidConfiguration } from '../errors.js';
import type { FieldProblem } from '../schema-issues.js';
import { failed, type RecordOutcome, type SyncItem } from '../record-outcome.js';
import type { SalesforceRestClient } from '../salesforce/rest-client.js';
import { SALESFORCE_API_NAME } from '../salesforce-names.js';
import { upsertRecords } from '../sync/record-sync.js';
import {
  describeRecordProblems,
  externalIdOf,
  validateRecord,
  type SyncRecord,
} from '../sync/validate-record.js';

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
  checkUpsert(sobject, externalIdField, options);
  const outcomes: RecordOutcome[] = [];
  const items: SyncItem[] = [];
  records.forEach((record, index) => {
    const ref = String(index);
    const problems = validateRecord(record);
    if (problems.length > 0) {
      outcomes[index] = failed(ref, 'INVALID_RECORD', describeRecordProblems(problems, 'record'));
    } else if (externalIdOf(record as SyncRecord, externalIdField) === undefined) {
      outcomes[index] = failed(ref, 'MISSING_EXTERNAL_ID', `no value for ${externalIdField}`, [
        externalIdField,
      ]);
    } else {
      items.push({ ref, record: record as SyncRecord });
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

/** Both names become part of the request path: anything but an API name is refused. */
function checkUpsert(sobject: unknown, externalIdField: unknown, options: UpsertOptions): void {
  const problems: FieldProblem[] = [];
  for (const [field, value] of [
    ['sobject', sobject],
    ['externalIdField', externalIdField],
  ] as const) {
    if (typeof value !== 'string' || !SALESFORCE_API_NAME.test(value)) {
      problems.push({ field, problem: 'must be a Salesforce API name' });
    }
  }
  const { bulkThreshold, concurrency } = options;
  if (bulkThreshold !== undefined && !(Number.isSafeInteger(bulkThreshold) && bulkThreshold >= 0)) {
    problems.push({ field: 'bulkThreshold', problem: 'must be a whole number, 0 or more' });
  }
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    problems.push({ field: 'concurrency', problem: 'must be a whole number, 1 or more' });
  }
  if (problems.length > 0) {
    throw invalidConfiguration('upsert', problems);
  }
}
