import { errorCode, errorMessage, failed, type RecordOutcome } from '../record-outcome.js';
import { jobResults, type JobInfo, type ResultSet } from './bulk-job.js';
import type { RefIndex } from './job-refs.js';
import type { SalesforceApi } from './salesforce-api.js';

/** Told each record's outcome, with its external ID; awaited, so a slow report slows the read. */
export type OutcomeSink = (outcome: RecordOutcome, externalId: string) => void | Promise<void>;

/** A result set to read: its name, the columns it is read for, and a row's outcome for one ref. */
type ResultRead = [
  set: ResultSet,
  columns: string[],
  outcome: (row: Record<string, string>, ref: string) => RecordOutcome,
];

/**
 * Reads a terminal job's results as streams and gives every record of the job exactly one
 * outcome. Any terminal state is read the same way: a job that ended `Failed` or `Aborted` part
 * way still wrote its successful rows, its failed rows carry Salesforce's reasons, and its
 * unprocessed rows ("not the same as failed rows", Get Job Unprocessed Record Results) are
 * reported failed as `UNPROCESSED`. `refs` maps each uploaded external ID (as sent) to its
 * records' refs, and is emptied as results arrive; whatever is left had no result.
 */
export async function collectJobOutcomes(
  client: SalesforceApi,
  job: JobInfo,
  externalIdField: string,
  refs: RefIndex,
  emit: OutcomeSink,
): Promise<void> {
  const complete = job.state === 'JobComplete';
  const notProcessed = `not processed: Bulk job ${job.id} ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}`;
  const reads: ResultRead[] = [
    [
      'successfulResults',
      ['sf__Id', 'sf__Created'],
      (row, ref) => ({ ref, ok: true, id: row.sf__Id ?? '', created: row.sf__Created === 'true' }),
    ],
  ];
  if (!complete || (job.numberRecordsFailed ?? 1) > 0) {
    reads.push([
      'failedResults',
      ['sf__Error'],
      (row, ref) => {
        const error = parseBulkError(row.sf__Error);
        return failed(ref, error.statusCode, error.message, error.fields);
      },
    ]);
  }
  if (!complete)
    reads.push(['unprocessedrecords', [], (_row, ref) => failed(ref, 'UNPROCESSED', notProcessed)]);
  try {
    for (const [set, columns, outcome] of reads) {
      for await (const row of jobResults(client, job.id, set, [...columns, externalIdField])) {
        const externalId = row[externalIdField] ?? '';
        const found = refs.get(externalId) ?? [];
        refs.delete(externalId);
        for (const ref of found) await emit(outcome(row, ref), externalId);
      }
    }
  } catch (error) {
    await failRest(
      refs,
      emit,
      errorCode(error),
      `results of bulk job ${job.id} could not be read: ${errorMessage(error)}`,
    );
    return;
  }
  await failRest(refs, emit, 'UNPROCESSED', complete ? NO_RESULT : notProcessed);
}

/** The failure message of a record that a finished job's results do not mention. */
export const NO_RESULT = 'Salesforce returned no result for this record';

/** `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`, Salesforce's sf__Error format. */
export function parseBulkError(text: string | undefined): {
  statusCode: string;
  message: string;
  fields?: string[] | undefined;
} {
  if (text === undefined) return { statusCode: 'UNPROCESSED', message: NO_RESULT };
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

/** Every record still in `refs` fails with the same reason. */
export async function failRest(
  refs: RefIndex,
  emit: OutcomeSink,
  statusCode: string,
  message: string,
): Promise<void> {
  for (const [externalId, found] of refs) {
    for (const ref of found) await emit(failed(ref, statusCode, message), externalId);
  }
  refs.clear();
}
