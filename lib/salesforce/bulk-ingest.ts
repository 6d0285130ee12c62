import { BULK_MAX_JOB_BYTES, BULK_MAX_JOB_RECORDS } from '../constants.js';
import { csvRow } from '../csv.js';
import { errorCode, errorMessage, type MergedItem, type RecordOutcome } from '../record-outcome.js';
import { bulkRow, flatten } from './bulk-csv.js';
import {
  abortJobQuietly,
  closeJob,
  createUpsertJob,
  TERMINAL_STATES,
  uploadJobData,
  waitForJob,
  type JobInfo,
  type WaitOptions,
} from './bulk-job.js';
import { collectJobOutcomes, failRest } from './bulk-results.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface BulkUpsertOptions extends WaitOptions {
  sobject: string;
  externalIdField: string;
  /** CSV bytes per job. Default just under 100 MB. */
  maxJobBytes?: number | undefined;
  /** Records per job. Default 100,000. */
  maxJobRecords?: number | undefined;
  /** Told each job's id and final (or last seen) state, for logs. */
  onJob?: ((job: { id: string; state: string; records: number }) => void) | undefined;
}

/** One job's CSV, built before it is sent, and its external IDs (as sent) -> refs. */
interface Job {
  csv: string;
  bytes: number;
  refs: Map<string, string[]>;
  /** Its external IDs in lower case: one that repeats, in any case, goes to the next job. */
  keys: Set<string>;
}

/**
 * Upserts merged records (as `mergeByExternalId` makes them) with Bulk API 2.0 ingest jobs
 * (https://developer.salesforce.com/docs/platform/api-asynch/guide/walkthrough-upsert.html) and
 * returns one outcome per ref. Jobs split as `BulkStreamWriter`'s do (at the byte and record
 * limits, where an external ID repeats in any case, and where a record brings a column the header
 * lacks: a header only ever grows, so a bad column fails the same records either way), and run one
 * after another, so a later record for an external ID is applied after an earlier one. A job that ends
 * `Failed` or `Aborted` part way is read like any other (its written rows are written); records
 * of a job still running when time runs out are reported failed as `BULK_JOB_INCOMPLETE` (their
 * upserts are idempotent, so writing them again later is safe), and later ones `DEADLINE_EXCEEDED`,
 * unsent.
 *
 * The records are in memory already, so each job's CSV is built as one string instead of going
 * through the streaming writer that the scheduled sync needs for sources of any size: a caller
 * bundle (`SalesforceClient.upsert` comes here) carries no stream plumbing.
 */
export async function upsertWithBulk(
  client: SalesforceApi,
  items: readonly MergedItem[],
  options: BulkUpsertOptions,
): Promise<RecordOutcome[]> {
  const { sobject, externalIdField } = options;
  const maxBytes = options.maxJobBytes ?? BULK_MAX_JOB_BYTES;
  const maxRecords = options.maxJobRecords ?? BULK_MAX_JOB_RECORDS;
  const outcomes: RecordOutcome[] = [];
  const emit = (outcome: RecordOutcome) => {
    outcomes.push(outcome);
  };
  /** Once set, every later record fails with this reason, unsent. */
  let stop: [statusCode: string, message: string] | undefined;

  const send = async (job: Job): Promise<void> => {
    const { refs } = job;
    if (stop) return failRest(refs, emit, ...stop);
    let id: string | undefined;
    try {
      id = (await createUpsertJob(client, sobject, externalIdField)).id;
      await uploadJobData(client, id, job.csv);
      // Sent: the text (up to ~100 MB) is not kept while the job runs and its results are read.
      job.csv = '';
      await closeJob(client, id);
    } catch (error) {
      if (id !== undefined) await abortJobQuietly(client, id);
      stop = [errorCode(error), errorMessage(error)];
      return failRest(
        refs,
        emit,
        stop[0],
        id === undefined ? stop[1] : `not written: Bulk job ${id}: ${stop[1]}`,
      );
    }
    let info: JobInfo;
    try {
      info = await waitForJob(client, id, options);
    } catch {
      // Its state could not be read: its records are owed like those of a job still running.
      info = { id, state: 'Unknown' };
    }
    const { state } = info;
    options.onJob?.({ id, state, records: refs.size });
    if (TERMINAL_STATES.has(state)) return collectJobOutcomes(client, info, externalIdField, refs, emit);
    // A later job could apply its records before this one's: none is sent.
    stop = ['DEADLINE_EXCEEDED', `not sent: time ran out while Bulk job ${id} was still ${state}`];
    return failRest(
      refs,
      emit,
      'BULK_JOB_INCOMPLETE',
      `Bulk job ${id} was still ${state} when time ran out; its records may or may not be written`,
    );
  };

  let columns: string[] = [];
  let known = new Set<string>();
  let job: Job | undefined;
  for (const { externalId, record, refs } of items) {
    const row = flatten(record);
    const fields = Object.keys(row);
    let line = bulkRow(columns, row);
    if (
      !job ||
      job.refs.size >= maxRecords ||
      job.keys.has(externalId) ||
      fields.some((field) => !known.has(field)) ||
      job.bytes + Buffer.byteLength(line) > maxBytes
    ) {
      if (job) await send(job);
      columns = [...new Set([...columns, ...fields])];
      known = new Set(columns);
      line = bulkRow(columns, row);
      const header = csvRow(columns);
      job = { csv: header, bytes: Buffer.byteLength(header), refs: new Map(), keys: new Set() };
    }
    job.csv += line;
    job.bytes += Buffer.byteLength(line);
    job.refs.set(String(record[externalIdField]), refs);
    job.keys.add(externalId);
  }
  if (job) await send(job);
  return outcomes;
}
