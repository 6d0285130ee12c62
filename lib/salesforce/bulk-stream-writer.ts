import { BULK_MAX_JOB_BYTES, BULK_MAX_JOB_RECORDS } from '../constants.js';
import { errorCode, errorMessage, type MergedItem, type SyncItem } from '../record-outcome.js';
import { csvRow } from '../csv.js';
import { bulkRow, flatten, hasNested } from './bulk-csv.js';
import {
  abortJobQuietly,
  closeJob,
  createUpsertJob,
  TERMINAL_STATES,
  waitForJob,
  type JobInfo,
  type WaitOptions,
} from './bulk-job.js';
import { collectJobOutcomes, failRest, type OutcomeSink } from './bulk-results.js';
import { JobUpload } from './bulk-upload.js';
import { JobRefs, type RefIndex } from './job-refs.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface BulkStreamOptions extends WaitOptions {
  sobject: string;
  externalIdField: string;
  /** Told every record's outcome as job results are read. */
  emit: OutcomeSink;
  /** CSV bytes per job (one upload per job). Default just under 100 MB. */
  maxJobBytes?: number | undefined;
  /** Records per job. Default 100,000. */
  maxJobRecords?: number | undefined;
  /** Told each job's id and final (or last seen) state, for logs. */
  onJob?: ((job: { id: string; state: string; records: number }) => void) | undefined;
}

/** A job this writer submitted but did not see finish before the deadline: its results are owed. */
export interface UnfinishedJob {
  id: string;
  state: string;
  records: number;
  /** Its external IDs (as sent) and their records' refs, for collecting the results later. */
  refs: RefIndex;
}

interface Job {
  id: string;
  records: number;
  /** External ID as sent -> refs: how result rows find their records. */
  refs: RefIndex;
}

interface OpenJob {
  id: string;
  records: number;
  /** Its records by external ID; an ID it holds (ignoring case) starts a new job. */
  refs: JobRefs;
  upload: JobUpload;
  columns: string[];
  columnSet: Set<string>;
}

/**
 * Writes records to Bulk API 2.0 as they come, in constant memory: each job's CSV is uploaded
 * while it is produced, and a new job starts when one is full (bytes or records), when a record
 * brings a column the job's header lacks, or when an external ID repeats. Jobs are closed one
 * after another, each only once the one before it has finished, so a later record for an
 * external ID is applied after an earlier one, within and across jobs. Results are read as
 * streams and every record gets one outcome through `emit`; jobs still running at the deadline
 * are returned by `end()` for a later run to collect.
 */
export class BulkStreamWriter {
  readonly #client: SalesforceApi;
  readonly #options: BulkStreamOptions;
  readonly #maxBytes: number;
  readonly #maxRecords: number;
  #current: OpenJob | undefined;
  /** Closed and processing; settled before the next job is closed. */
  #previous: Job | undefined;
  /** Once a job cannot be created or sent, every later record fails with that reason, unsent. */
  #broken: { statusCode: string; message: string } | undefined;
  readonly #unfinished: UnfinishedJob[] = [];

  constructor(client: SalesforceApi, options: BulkStreamOptions) {
    this.#client = client;
    this.#options = options;
    this.#maxBytes = options.maxJobBytes ?? BULK_MAX_JOB_BYTES;
    this.#maxRecords = options.maxJobRecords ?? BULK_MAX_JOB_RECORDS;
  }

  /** Adds one record (or several refs merged into one); resolves once it is queued for upload. */
  write(item: SyncItem | MergedItem): Promise<void> | undefined {
    const externalId = String(item.record[this.#options.externalIdField]);
    const refs = 'ref' in item ? item.ref : item.refs;
    // A record without a relationship field is its own row: no copy per record.
    const row = hasNested(item.record) ? flatten(item.record) : item.record;
    const job = this.#current;
    if (!job || job.records >= this.#maxRecords || job.refs.has(externalId) || !hasAll(job.columnSet, row)) {
      return this.#writeToNewJob(externalId, refs, row);
    }
    const line = bulkRow(job.columns, row);
    const bytes = Buffer.byteLength(line);
    if (job.records > 0 && job.upload.bytes + bytes > this.#maxBytes) {
      return this.#writeToNewJob(externalId, refs, row);
    }
    // The common case, a record that fits the open job, makes no promise unless the upload is
    // behind: a million records would otherwise make a million of them.
    return this.#append(job, externalId, refs, line, bytes);
  }

  async #writeToNewJob(
    externalId: string,
    refs: string | readonly string[],
    row: Record<string, unknown>,
  ): Promise<void> {
    const job = await this.#rotate(Object.keys(row));
    if (!job) {
      const { statusCode, message } = this.#broken ?? {
        statusCode: 'BULK_UNAVAILABLE',
        message: 'no Bulk job could be opened',
      };
      await failRest(
        new Map([[externalId, typeof refs === 'string' ? [refs] : refs]]),
        this.#options.emit,
        statusCode,
        message,
      );
      return;
    }
    const line = bulkRow(job.columns, row);
    await this.#append(job, externalId, refs, line, Buffer.byteLength(line));
  }

  #append(
    job: OpenJob,
    externalId: string,
    refs: string | readonly string[],
    line: string,
    bytes: number,
  ): Promise<void> | undefined {
    // The item's own ref (or array), not a copy: a job holds one entry per record until its
    // results are read.
    job.refs.add(externalId, refs);
    job.records += 1;
    return job.upload.write(line, bytes)?.catch((error: unknown) => this.#failOpen(job, error));
  }

  /** Sends the last job and waits for the jobs to finish within the deadline; returns those that did not. */
  async end(): Promise<UnfinishedJob[]> {
    const job = this.#current;
    this.#current = undefined;
    if (job) await this.#submit(job);
    await this.#settlePrevious();
    return this.#unfinished;
  }

  /** Submits the open job (if any) and opens the next, whose header adds `fields` to the last one's. */
  async #rotate(fields: readonly string[]): Promise<OpenJob | undefined> {
    const last = this.#current;
    this.#current = undefined;
    if (last) await this.#submit(last);
    if (this.#broken) return undefined;
    const columns = [...new Set([...(last?.columns ?? []), ...fields])];
    let id: string | undefined;
    try {
      id = (await createUpsertJob(this.#client, this.#options.sobject, this.#options.externalIdField)).id;
      const upload = new JobUpload(this.#client, id);
      const job: OpenJob = {
        id,
        records: 0,
        refs: new JobRefs(),
        upload,
        columns,
        columnSet: new Set(columns),
      };
      this.#current = job;
      await upload.write(csvRow(columns));
      return job;
    } catch (error) {
      this.#current = undefined;
      if (id !== undefined) await abortJobQuietly(this.#client, id);
      this.#broken = { statusCode: errorCode(error), message: errorMessage(error) };
      return undefined;
    }
  }

  /** Ends a job's upload, waits for the job before it, then closes it (UploadComplete). */
  async #submit(job: OpenJob): Promise<void> {
    try {
      await job.upload.end();
    } catch (error) {
      await this.#failOpen(job, error);
      return;
    }
    const refs = job.refs.seal();
    await this.#settlePrevious();
    if (this.#unfinished.length > 0) {
      // The job before is still running: closing this one could apply a later record first.
      await abortJobQuietly(this.#client, job.id);
      await failRest(
        refs,
        this.#options.emit,
        'DEADLINE_EXCEEDED',
        `not sent: time ran out before Bulk job ${job.id} could be closed`,
      );
      return;
    }
    try {
      await closeJob(this.#client, job.id);
    } catch (error) {
      await this.#failOpen(job, error);
      return;
    }
    this.#previous = { id: job.id, records: job.records, refs };
  }

  async #settlePrevious(): Promise<void> {
    const job = this.#previous;
    this.#previous = undefined;
    if (!job) return;
    let info: JobInfo;
    try {
      info = await waitForJob(this.#client, job.id, this.#options);
    } catch {
      // Its state could not be read: its results are owed like those of a job still running.
      info = { id: job.id, state: 'Unknown' };
    }
    const { id, records, refs } = job;
    this.#options.onJob?.({ id, state: info.state, records });
    if (!TERMINAL_STATES.has(info.state)) {
      this.#unfinished.push({ id, state: info.state, records, refs });
      return;
    }
    await collectJobOutcomes(this.#client, info, this.#options.externalIdField, refs, this.#options.emit);
  }

  /** A job that could not be sent: abort it, fail its records unsent, and send no more. */
  async #failOpen(job: OpenJob, error: unknown): Promise<void> {
    if (this.#current === job) this.#current = undefined;
    await abortJobQuietly(this.#client, job.id);
    const statusCode = errorCode(error);
    const message = errorMessage(error);
    this.#broken ??= { statusCode, message };
    await failRest(
      job.refs.seal(),
      this.#options.emit,
      statusCode,
      `not written: Bulk job ${job.id}: ${message}`,
    );
  }
}

/** Whether the job's header has every field of the row (no array of its keys per record). */
function hasAll(columns: ReadonlySet<string>, row: Readonly<Record<string, unknown>>): boolean {
  for (const field in row) if (!columns.has(field)) return false;
  return true;
}
