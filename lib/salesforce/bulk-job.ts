import { BULK_POLL_MAX_DELAY_MS, BULK_POLL_MIN_DELAY_MS, BULK_TRANSFER_TIMEOUT_MS } from '../constants.js';
import { csvRecords } from '../csv.js';
import { UnexpectedResponseError } from '../errors.js';
import type { SalesforceApi } from './salesforce-api.js';

// One Bulk API 2.0 ingest job's REST calls
// (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough-upsert.htm):
// create, one upload, UploadComplete, polling, results, abort. Plain functions rather than one
// object, so that a bundle keeps only the calls it makes.

/** The fields of Bulk API 2.0's job info that the writers read. */
export interface JobInfo {
  id: string;
  state: string;
  errorMessage?: string | undefined;
  numberRecordsProcessed?: number | undefined;
  numberRecordsFailed?: number | undefined;
}

/** States after which a job changes no more (Bulk API 2.0 "Job States"). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['JobComplete', 'Failed', 'Aborted']);

export type ResultSet = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

export interface WaitOptions {
  /** Job-status polling backoff bounds. Default 500 ms to 10 s. */
  pollMinMs?: number | undefined;
  pollMaxMs?: number | undefined;
  /** Time to keep back from the deadline for what follows (reading results, reporting). Default 0. */
  reserveMs?: number | undefined;
}

const jobPath = (id: string) => `/jobs/ingest/${id}`;

export async function createUpsertJob(
  client: SalesforceApi,
  sobject: string,
  externalIdField: string,
): Promise<JobInfo> {
  // The CSV is comma-separated with LF line ends: Bulk API 2.0's defaults for `columnDelimiter`
  // and `lineEnding` (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm),
  // so they are not sent.
  const { body } = await client.request<JobInfo>('POST', '/jobs/ingest', {
    json: { object: sobject, operation: 'upsert', externalIdFieldName: externalIdField, contentType: 'CSV' },
  });
  return body;
}

/** The one upload a job takes (whole, or a stream sent as it is produced); bounded by the deadline only. */
export async function uploadJobData(
  client: SalesforceApi,
  id: string,
  csv: string | ReadableStream<Uint8Array>,
): Promise<void> {
  await client.request('PUT', `${jobPath(id)}/batches`, {
    body: csv,
    contentType: 'text/csv',
    retry: false,
    timeoutMs: BULK_TRANSFER_TIMEOUT_MS,
  });
}

/** Marks the upload complete, so that Salesforce starts processing the job. */
export async function closeJob(client: SalesforceApi, id: string): Promise<void> {
  await client.request('PATCH', jobPath(id), { json: { state: 'UploadComplete' } });
}

export async function jobInfo(client: SalesforceApi, id: string): Promise<JobInfo> {
  return (await client.request<JobInfo>('GET', jobPath(id))).body;
}

/** Polls until the job is terminal or the next poll would not fit the deadline; returns the last info. */
export async function waitForJob(
  client: SalesforceApi,
  id: string,
  options: WaitOptions = {},
): Promise<JobInfo> {
  let delay = options.pollMinMs ?? BULK_POLL_MIN_DELAY_MS;
  for (;;) {
    const job = await jobInfo(client, id);
    if (TERMINAL_STATES.has(job.state) || client.remainingMs() - (options.reserveMs ?? 0) < delay) return job;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, options.pollMaxMs ?? BULK_POLL_MAX_DELAY_MS);
  }
}

/** A job left Open would sit there until Salesforce deletes it: abort it, best effort. */
export async function abortJobQuietly(client: SalesforceApi, id: string): Promise<void> {
  await client
    .request('PATCH', jobPath(id), { json: { state: 'Aborted' }, retry: false })
    .catch(() => undefined);
}

/**
 * The rows of one result set, read as a stream (a job's results can be as large as its
 * upload): each row is a record of the named columns only, the echoed fields dropped.
 */
export async function* jobResults(
  client: SalesforceApi,
  id: string,
  set: ResultSet,
  columns: readonly string[],
): AsyncGenerator<Record<string, string>> {
  const { body } = await client.request<ReadableStream<Uint8Array> | string>(
    'GET',
    `${jobPath(id)}/${set}/`,
    { accept: 'stream', timeoutMs: BULK_TRANSFER_TIMEOUT_MS },
  );
  try {
    yield* csvRecords(typeof body === 'string' ? [body] : body, columns);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UnexpectedResponseError(`Bulk results (${set}) are not valid CSV: ${error.message}`);
  }
}
