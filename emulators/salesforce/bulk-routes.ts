// HTTP side of Bulk API 2.0 ingest (/jobs/ingest…). Bodies and error shapes from Salesforce's Bulk
// API 2.0 Developer Guide (v66, [DOC]) and from real answers seen by users ([OBS]); Bulk API 2.0
// errors use the REST format `[{errorCode, message}]` (reference §5). Choices are marked [CHOSEN].
import {
  jobDate,
  type BulkOperation,
  type ColumnDelimiter,
  type IngestJob,
  type LineEnding,
} from './bulk-ingest.js';
import { DELIMITERS } from './bulk-ingest.js';
import { JsonBody } from './json-body.js';
import {
  notFound,
  RestError,
  type RestContext,
  type RestRequest,
  type RestResponse,
  type RestRoute,
} from './rest-types.js';

/**
 * "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded content"
 * ([DOC] Upload Job Data); MB read as MiB [CHOSEN].
 */
const MAX_UPLOAD_BASE64_BYTES = 150 * 1024 * 1024;

const OPERATIONS: readonly BulkOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];
const LINE_ENDINGS: readonly LineEnding[] = ['LF', 'CRLF'];

export const bulkRoutes: readonly RestRoute[] = [
  { name: 'bulk.createJob', method: 'POST', pattern: '/jobs/ingest', minVersion: 41, handle: createJob },
  { name: 'bulk.listJobs', method: 'GET', pattern: '/jobs/ingest', minVersion: 41, handle: listJobs },
  { name: 'bulk.upload', method: 'PUT', pattern: '/jobs/ingest/:id/batches', minVersion: 41, handle: upload },
  { name: 'bulk.closeJob', method: 'PATCH', pattern: '/jobs/ingest/:id', minVersion: 41, handle: setState },
  { name: 'bulk.jobInfo', method: 'GET', pattern: '/jobs/ingest/:id', minVersion: 41, handle: jobInfo },
  {
    name: 'bulk.deleteJob',
    method: 'DELETE',
    pattern: '/jobs/ingest/:id',
    minVersion: 41,
    handle: deleteJob,
  },
  {
    name: 'bulk.successfulResults',
    method: 'GET',
    pattern: '/jobs/ingest/:id/successfulResults',
    minVersion: 41,
    handle: (req, ctx) => results(req, ctx, 'successfulResults'),
  },
  {
    name: 'bulk.failedResults',
    method: 'GET',
    pattern: '/jobs/ingest/:id/failedResults',
    minVersion: 41,
    handle: (req, ctx) => results(req, ctx, 'failedResults'),
  },
  {
    name: 'bulk.unprocessedRecords',
    method: 'GET',
    pattern: '/jobs/ingest/:id/unprocessedrecords',
    minVersion: 41,
    handle: (req, ctx) => results(req, ctx, 'unprocessedrecords'),
  },
];

/**
 * POST /jobs/ingest. Enumerations are checked first ([OBS] `API_ERROR` "Invalid value: '' supplied
 * for property: 'operation'"), then the object and key (`INVALIDJOB` "InvalidJob : Unable to find
 * object: X", "InvalidJob : Field name provided, website does not match an External ID,
 * Salesforce Id, or indexed field for Account" — the name lower-cased as observed). The status of
 * a created job is [UNCONFIRMED] (reference §7); 200 here.
 */
function createJob(req: RestRequest, ctx: RestContext): RestResponse {
  const body = JsonBody.parse(req.body).value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(400, 'API_ERROR', 'Invalid job request: a JSON object is required');
  }
  const spec = body as Record<string, unknown>;
  const operation = enumProperty(spec, 'operation', OPERATIONS, undefined);
  enumProperty(spec, 'contentType', ['CSV'], 'CSV');
  const lineEnding = enumProperty(spec, 'lineEnding', LINE_ENDINGS, 'LF');
  const columnDelimiter = enumProperty(
    spec,
    'columnDelimiter',
    Object.keys(DELIMITERS) as ColumnDelimiter[],
    'COMMA',
  );

  const objectName = typeof spec.object === 'string' ? spec.object : '';
  const sobject = ctx.schema.get(objectName);
  if (!sobject) throw invalidJob(`Unable to find object: ${objectName}`);

  let externalIdFieldName: string | undefined;
  if (operation === 'upsert') {
    const name = spec.externalIdFieldName;
    // [OBS] "InvalidJob : External ID was blank for [Object]. An External ID must be specified for upsert."
    if (name === undefined || name === null) {
      throw invalidJob(
        `External ID was blank for ${sobject.name}. An External ID must be specified for upsert.`,
      );
    }
    const fieldName = shown(name);
    const field = sobject.field(fieldName);
    // [OBS] an empty name: "InvalidJob : Field name provided,  does not match an External ID for X".
    if (!field)
      throw invalidJob(
        `Field name provided, ${fieldName.toLowerCase()} does not match an External ID for ${sobject.name}`,
      );
    if (!field.externalId && field.type !== 'id') {
      throw invalidJob(
        `Field name provided, ${fieldName.toLowerCase()} does not match an External ID, Salesforce Id, or indexed field for ${sobject.name}`,
      );
    }
    externalIdFieldName = field.name;
  }

  const job = ctx.bulk.create({
    operation,
    object: sobject,
    externalIdFieldName,
    lineEnding,
    columnDelimiter,
    apiVersion: Number(req.version),
    createdById: req.session.userId18,
  });
  return {
    status: 200,
    body: { ...baseInfo(job), contentUrl: contentUrl(job), lineEnding, columnDelimiter },
  };
}

function listJobs(_req: RestRequest, ctx: RestContext): RestResponse {
  // [DOC] Get Information About All Ingest Jobs: {done, records, nextRecordsUrl (only when not done)}.
  return { status: 200, body: { done: true, records: ctx.bulk.all.map((job) => fullInfo(job)) } };
}

/**
 * PUT …/batches, text/csv: 201 without a body ([DOC]). Only one upload per job: a second gets
 * `BULK_API_ERROR` "Found multipe contents for job: <7502M00000aFzAI>, please 'Close' / 'Abort' /
 * 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given
 * Job." — sic, "multipe", and the 15-character job ID ([OBS] two projects against real orgs).
 * The status of that refusal, the content-type and size refusals, and uploads to a job that is no
 * longer Open are [CHOSEN].
 */
function upload(req: RestRequest, ctx: RestContext): RestResponse {
  const job = jobOf(req, ctx);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/csv') throw new RestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type');
  if (job.data !== undefined) {
    throw new RestError(
      400,
      'BULK_API_ERROR',
      `Found multipe contents for job: <${job.id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
    );
  }
  if (job.state !== 'Open')
    throw invalidJobState(`Job ${job.id} is ${job.state}: data can only be uploaded to an Open job`);
  const base64Bytes = Math.ceil(req.body.length / 3) * 4;
  if (base64Bytes > MAX_UPLOAD_BASE64_BYTES) {
    throw new RestError(
      400,
      'BULK_API_ERROR',
      `The upload is ${base64Bytes} bytes after base64 encoding; a job takes at most 157286400 (150 MB). Upload at most 100 MB of CSV per job.`,
    );
  }
  job.data = Buffer.from(req.body);
  return { status: 201 };
}

/** PATCH {"state":"UploadComplete"|"Aborted"}: the short JobInfo ([DOC] examples). */
function setState(req: RestRequest, ctx: RestContext): RestResponse {
  const job = jobOf(req, ctx);
  const body = JsonBody.parse(req.body).value;
  const state =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).state : undefined;
  if (state === 'UploadComplete') {
    if (job.state !== 'Open')
      throw invalidJobState(`Invalid job state transition from ${job.state} to UploadComplete`);
    ctx.bulk.close(job);
  } else if (state === 'Aborted') {
    if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') {
      throw invalidJobState(`Invalid job state transition from ${job.state} to Aborted`);
    }
    ctx.bulk.abort(job);
  } else if (['Open', 'InProgress', 'JobComplete', 'Failed'].includes(shown(state))) {
    throw invalidJobState(`Invalid job state transition from ${job.state} to ${shown(state)}`);
  } else {
    throw new RestError(400, 'API_ERROR', `Invalid value: '${shown(state)}' supplied for property: 'state'`);
  }
  return { status: 200, body: baseInfo(job) };
}

function jobInfo(req: RestRequest, ctx: RestContext): RestResponse {
  return { status: 200, body: fullInfo(jobOf(req, ctx)) };
}

/** 204; "To be deleted, a job must have a state of UploadComplete, JobComplete, Aborted, or Failed" ([DOC]). */
function deleteJob(req: RestRequest, ctx: RestContext): RestResponse {
  const job = jobOf(req, ctx);
  if (job.state === 'Open' || job.state === 'InProgress') {
    throw invalidJobState(
      `Job ${job.id} is ${job.state}: only UploadComplete, JobComplete, Aborted or Failed jobs can be deleted`,
    );
  }
  ctx.bulk.delete(job);
  return { status: 204 };
}

/**
 * CSV results, every value quoted, header `"sf__Id","sf__Created",<original columns>` ([DOC]
 * example). Before processing ends they hold what has been processed so far, i.e. nothing
 * [CHOSEN]; unprocessed records are those of a Failed or Aborted job.
 */
function results(
  req: RestRequest,
  ctx: RestContext,
  kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
): RestResponse {
  const job = jobOf(req, ctx);
  return { status: 200, rawBody: ctx.bulk.results(job, kind), contentType: 'text/csv; charset=UTF-8' };
}

function jobOf(req: RestRequest, ctx: RestContext): IngestJob {
  const job = ctx.bulk.get(req.params.id ?? '');
  // [DOC] a deleted (or unknown) job: 404 NOT_FOUND "The requested resource does not exist".
  if (!job) throw notFound();
  return job;
}

function baseInfo(job: IngestJob): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: jobDate(job.createdDate),
    systemModstamp: jobDate(job.systemModstamp),
    state: job.state,
    ...(job.externalIdFieldName === undefined ? {} : { externalIdFieldName: job.externalIdFieldName }),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
  };
}

function fullInfo(job: IngestJob): Record<string, unknown> {
  return {
    ...baseInfo(job),
    jobType: 'V2Ingest',
    ...(job.state === 'Open' ? { contentUrl: contentUrl(job) } : {}),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: 0,
    totalProcessingTime: job.totalProcessingTime,
    apiActiveProcessingTime: job.totalProcessingTime,
    apexProcessingTime: 0,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}

function contentUrl(job: IngestJob): string {
  return `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`;
}

function enumProperty<T extends string>(
  spec: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T {
  const value = spec[name];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new RestError(400, 'API_ERROR', `Invalid value: '${shown(value)}' supplied for property: '${name}'`);
}

/** A JSON property value as text: strings as they are, null and absence as empty. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function invalidJob(detail: string): RestError {
  return new RestError(400, 'INVALIDJOB', `InvalidJob : ${detail}`);
}

/** [DOC] lists the InvalidJobState exception code; the message text is [CHOSEN]. */
function invalidJobState(detail: string): RestError {
  return new RestError(400, 'INVALIDJOBSTATE', `InvalidJobState : ${detail}`);
}
