import { errorCode, errorMessage, failed, type RecordOutcome } from '../record-outcome.js';
import { parseBulkError } from './bulk-ingest.js';
import { bulkJob, type JobInfo } from './bulk-job.js';
import type { SalesforceApi } from './salesforce-api.js';

/** Told each record's outcome, with its external ID; awaited, so a slow report slows the read. */
export type OutcomeSink = (outcome: RecordOutcome, externalId: string) => void | Promise<void>;

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
  refs: Map<string, string[]>,
  emit: OutcomeSink,
): Promise<void> {
  const take = (row: Record<string, string>): [string, string[]] => {
    const externalId = row[externalIdField] ?? '';
    const found = refs.get(externalId) ?? [];
    refs.delete(externalId);
    return [externalId, found];
  };
  const ended = `Bulk job ${job.id} ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}`;
  try {
    for await (const row of bulkJob.results(client, job.id, 'successfulResults', [
      'sf__Id',
      'sf__Created',
      externalIdField,
    ])) {
      const [externalId, found] = take(row);
      const id = row.sf__Id ?? '';
      for (const ref of found)
        await emit({ ref, ok: true, id, created: row.sf__Created === 'true' }, externalId);
    }
    if (job.state !== 'JobComplete' || (job.numberRecordsFailed ?? 1) > 0) {
      for await (const row of bulkJob.results(client, job.id, 'failedResults', [
        'sf__Error',
        externalIdField,
      ])) {
        const [externalId, found] = take(row);
        const error = parseBulkError(row.sf__Error);
        for (const ref of found)
          await emit(failed(ref, error.statusCode, error.message, error.fields), externalId);
      }
    }
    if (job.state !== 'JobComplete') {
      for await (const row of bulkJob.results(client, job.id, 'unprocessedrecords', [externalIdField])) {
        const [externalId, found] = take(row);
        for (const ref of found)
          await emit(failed(ref, 'UNPROCESSED', `not processed: ${ended}`), externalId);
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
  await failRest(
    refs,
    emit,
    'UNPROCESSED',
    job.state === 'JobComplete' ? 'Salesforce returned no result for this record' : `not processed: ${ended}`,
  );
}

/** Every record still in `refs` fails with the same reason. */
export async function failRest(
  refs: Map<string, string[]>,
  emit: OutcomeSink,
  statusCode: string,
  message: string,
): Promise<void> {
  for (const [externalId, found] of refs) {
    for (const ref of found) await emit(failed(ref, statusCode, message), externalId);
  }
  refs.clear();
}
