import { BULK_MAX_JOB_BYTES, BULK_POLL_MAX_DELAY_MS, BULK_POLL_MIN_DELAY_MS } from '../constants.js';
import { CsvReader } from '../csv.js';
import { UnexpectedResponseError } from '../errors.js';
import {
  errorCode,
  errorMessage,
  failAll,
  failed,
  type MergedItem,
  type RecordOutcome,
} from '../record-outcome.js';
import { toCsvParts, type CsvJobPart } from './bulk-csv.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface BulkUpsertOptions {
  sobject: string;
  externalIdField: string;
  /** Raw CSV bytes per job (one upload per job). Default just under 100 MB. */
  maxJobBytes?: number | undefined;
  /** Job-status polling backoff bounds. Default 500 ms to 10 s. */
  pollMinMs?: number | undefined;
  pollMaxMs?: number | undefined;
  /** Told each job's id and final state, for logs. */
  onJob?: ((job: { id: string; state: string; records: number }) => void) | undefined;
}

interface JobInfo {
  id: string;
  state: string;
  errorMessage?: string;
  numberRecordsFailed?: number;
}

const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

/**
 * Upserts merged records with Bulk API 2.0 ingest jobs
 * (https://developer.salesforce.com/docs/platform/api-asynch/guide/walkthrough-upsert.html):
 * create, one CSV upload, UploadComplete, poll with backoff inside the deadline, then read the
 * successful and failed results and map every row back to its records by external ID. Records
 * of a job that failed, or that did not finish in time, are reported failed (their upserts are
 * idempotent, so writing them again later is safe).
 */
export async function upsertWithBulk(
  client: SalesforceApi,
  items: readonly MergedItem[],
  options: BulkUpsertOptions,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  // One job at a time: each holds up to 100 MB, and Salesforce processes a job's batches in parallel anyway.
  const parts = toCsvParts(items, options.maxJobBytes ?? BULK_MAX_JOB_BYTES);
  // Each part leaves the list as its job starts, so its CSV can be collected once uploaded.
  for (let part = parts.shift(); part; part = parts.shift()) {
    // A loop, not push(...spread): a spread of 150,000 outcomes overflows the call stack.
    for (const outcome of await runJob(client, part, options)) outcomes.push(outcome);
  }
  return outcomes;
}

async function runJob(
  client: SalesforceApi,
  part: CsvJobPart,
  options: BulkUpsertOptions,
): Promise<RecordOutcome[]> {
  let job: JobInfo | undefined;
  let closed = false;
  try {
    const created = await client.request<JobInfo>('POST', '/jobs/ingest', {
      json: {
        object: options.sobject,
        operation: 'upsert',
        externalIdFieldName: options.externalIdField,
        contentType: 'CSV',
        lineEnding: 'LF',
        columnDelimiter: 'COMMA',
      },
    });
    job = created.body;
    // Never retried: Salesforce refuses a second upload to the same job.
    await client.request('PUT', `/jobs/ingest/${job.id}/batches`, {
      body: part.csv,
      contentType: 'text/csv',
      retry: false,
    });
    // Uploaded: the CSV (up to 100 MB) is not needed while polling and reading results.
    part.csv = '';
    await client.request('PATCH', `/jobs/ingest/${job.id}`, { json: { state: 'UploadComplete' } });
    closed = true;
    job = await waitForJob(client, job.id, options);
  } catch (error) {
    // A job left Open would sit there until Salesforce deletes it; abort it, best effort.
    if (job && !closed) await abortQuietly(client, job.id);
    return failAll(part.items, errorCode(error), errorMessage(error));
  }
  options.onJob?.({ id: job.id, state: job.state, records: part.items.length });
  if (job.state === 'JobComplete') return readResults(client, job, part.items, options.externalIdField);
  if (TERMINAL.has(job.state)) {
    return failAll(
      part.items,
      'BULK_JOB_FAILED',
      `Bulk job ${job.id} ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}`,
    );
  }
  return failAll(
    part.items,
    'BULK_JOB_INCOMPLETE',
    `Bulk job ${job.id} was still ${job.state} when time ran out; its records may or may not be written`,
  );
}

async function abortQuietly(client: SalesforceApi, id: string): Promise<void> {
  await client
    .request('PATCH', `/jobs/ingest/${id}`, { json: { state: 'Aborted' }, retry: false })
    .catch(() => undefined);
}

async function waitForJob(client: SalesforceApi, id: string, options: BulkUpsertOptions): Promise<JobInfo> {
  let delay = options.pollMinMs ?? BULK_POLL_MIN_DELAY_MS;
  for (;;) {
    const { body } = await client.request<JobInfo>('GET', `/jobs/ingest/${id}`);
    if (TERMINAL.has(body.state) || client.remainingMs() < delay) return body;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, options.pollMaxMs ?? BULK_POLL_MAX_DELAY_MS);
  }
}

async function readResults(
  client: SalesforceApi,
  job: JobInfo,
  items: readonly MergedItem[],
  externalIdField: string,
): Promise<RecordOutcome[]> {
  const written = new Map<string, Record<string, string>>();
  const rejected = new Map<string, Record<string, string>>();
  try {
    const path = `/jobs/ingest/${job.id}`;
    await readCsvInto(
      client,
      `${path}/successfulResults/`,
      ['sf__Id', 'sf__Created', externalIdField],
      externalIdField,
      written,
    );
    if ((job.numberRecordsFailed ?? 1) > 0) {
      await readCsvInto(
        client,
        `${path}/failedResults/`,
        ['sf__Error', externalIdField],
        externalIdField,
        rejected,
      );
    }
  } catch (error) {
    return failAll(
      items,
      errorCode(error),
      `results of bulk job ${job.id} could not be read: ${errorMessage(error)}`,
    );
  }
  return items.flatMap((item): RecordOutcome[] => {
    const ok = written.get(item.externalId);
    if (ok?.sf__Id) {
      const id = ok.sf__Id;
      return item.refs.map((ref) => ({ ref, ok: true, id, created: ok.sf__Created === 'true' }));
    }
    const error = parseBulkError(rejected.get(item.externalId)?.sf__Error);
    return item.refs.map((ref) => failed(ref, error.statusCode, error.message, error.fields));
  });
}

/**
 * Reads a results CSV into `into`, keyed by lower-cased external ID, keeping only the columns
 * named (the echoed record fields are not needed) and building no array of all rows.
 */
async function readCsvInto(
  client: SalesforceApi,
  path: string,
  keep: readonly string[],
  externalIdField: string,
  into: Map<string, Record<string, string>>,
): Promise<void> {
  const { body } = await client.request<string>('GET', path, { accept: 'text' });
  const reader = new CsvReader();
  let header: string[] | undefined;
  let kept: [name: string, index: number][] = [];
  let rows = 0;
  const take = (row: string[]) => {
    rows += 1;
    if (!header) {
      header = row;
      kept = keep.flatMap((name): [string, number][] => {
        const index = row.indexOf(name);
        return index === -1 ? [] : [[name, index]];
      });
      return;
    }
    if (row.length !== header.length) {
      throw new UnexpectedResponseError(
        `Bulk results CSV row ${rows} has ${row.length} fields under a header of ${header.length}`,
      );
    }
    const record: Record<string, string> = {};
    for (const [name, index] of kept) record[name] = row[index] ?? '';
    into.set((record[externalIdField] ?? '').toLowerCase(), record);
  };
  try {
    for (const row of reader.push(body)) take(row);
    for (const row of reader.end()) take(row);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UnexpectedResponseError(`Bulk results are not valid CSV: ${error.message}`);
  }
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
