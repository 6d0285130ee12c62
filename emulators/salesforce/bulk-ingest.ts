// Bulk API 2.0 ingest jobs (reference §7; Salesforce's "Bulk API 2.0 and Bulk API Developer Guide",
// v66): Open -> (one PUT of CSV) -> UploadComplete -> InProgress -> JobComplete | Failed, or Aborted.
// Processing runs in memory, `bulkProcessingMs` after the job is closed, in internal batches of
// 10,000 rows ("Salesforce creates a separate batch for every 10,000 records", [DOC]); rows are
// applied with the same DML as sObject Collections, never all-or-none.
//
// CSV rules ([DOC] "Prepare CSV Files" / "Valid CSV Record Rows"): RFC 4180 quoting with the job's
// delimiter and line ending; "Empty field values are ignored when you update records. To set a
// field value to null, use a field value of #N/A."; header names are API names (case-insensitive).
import { parse } from 'csv-parse/sync';
import {
  executeDml,
  type DmlItem,
  type DmlOp,
  type DmlResult,
  type FieldValues,
  type SaveError,
} from './dml.js';
import { formatDatetime, fromCsv, isCsvTypeMismatch, type StoredValue } from './field-values.js';
import type { RecordStore } from './record-store.js';
import { IdSequence } from './salesforce-ids.js';
import type { FieldSchema, OrgSchema, SObjectSchema } from './schema.js';

export type BulkOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
export type LineEnding = 'LF' | 'CRLF';
export type ColumnDelimiter = 'COMMA' | 'TAB' | 'PIPE' | 'SEMICOLON' | 'CARET' | 'BACKQUOTE';

/** What happens to the next ingest job that is closed (UploadComplete). */
export type BulkFault =
  /**
   * The job ends Failed with this errorMessage (default "Unknown : Exception with unknown cause
   * occurred."). Without `afterRows` nothing is written; with it, the first `afterRows` rows are
   * processed (written or failed, as usual) and the rest are left unprocessed, as when Salesforce
   * stops a job part way ("A job that is interrupted or otherwise fails to complete can result in
   * rows that aren't processed", Get Job Unprocessed Record Results, [DOC]).
   */
  | { outcome: 'Failed'; errorMessage?: string; afterRows?: number }
  /** The job ends Aborted (as if aborted by an admin) after its first `afterRows` rows were processed. */
  | { outcome: 'Aborted'; afterRows: number }
  /** The job stays InProgress for ever. */
  | { outcome: 'NeverCompletes' };

export const DELIMITERS: Readonly<Record<ColumnDelimiter, string>> = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
};

/** Rows per internal batch ([DOC]). Duplicate upsert keys are detected within a batch. */
const BATCH_ROWS = 10_000;

interface SuccessRow {
  id: string;
  created: boolean;
  row: readonly string[];
}

interface FailedRow {
  id: string;
  error: string;
  row: readonly string[];
}

export interface IngestJob {
  id: string;
  operation: BulkOperation;
  object: string;
  /** As given at creation; validated against the object. */
  externalIdFieldName: string | undefined;
  lineEnding: LineEnding;
  columnDelimiter: ColumnDelimiter;
  apiVersion: number;
  createdById: string;
  createdDate: number;
  systemModstamp: number;
  state: JobState;
  errorMessage: string | undefined;
  /** The one upload (a second PUT is refused). */
  data: Buffer | undefined;
  header: string[];
  successful: SuccessRow[];
  failed: FailedRow[];
  unprocessed: (readonly string[])[];
  /** Every uploaded row is unprocessed (aborted or failed job); parsed only when asked for. */
  allRowsUnprocessed: boolean;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  totalProcessingTime: number;
  timer: NodeJS.Timeout | undefined;
}

export interface NewJob {
  operation: BulkOperation;
  object: SObjectSchema;
  externalIdFieldName: string | undefined;
  lineEnding: LineEnding;
  columnDelimiter: ColumnDelimiter;
  apiVersion: number;
  createdById: string;
}

export class BulkIngest {
  readonly #jobs = new Map<string, IngestJob>();
  readonly #ids = new IdSequence('750');
  readonly #faults: BulkFault[] = [];
  /** While set, closed jobs go InProgress and wait here instead of being scheduled. */
  #held: (() => void)[] | undefined;

  constructor(
    private readonly schema: OrgSchema,
    private readonly store: RecordStore,
    private readonly now: () => number,
    private readonly processingMs: number,
  ) {}

  injectFault(fault: BulkFault): void {
    this.#faults.push(fault);
  }

  /** Jobs closed from now on stay InProgress until {@link release}. */
  hold(): void {
    this.#held ??= [];
  }

  /** Schedules every held job, as if it had just gone InProgress, and stops holding. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const schedule of held) schedule();
  }

  create(spec: NewJob): IngestJob {
    const now = this.now();
    const job: IngestJob = {
      id: this.#ids.next(),
      operation: spec.operation,
      object: spec.object.name,
      externalIdFieldName: spec.externalIdFieldName,
      lineEnding: spec.lineEnding,
      columnDelimiter: spec.columnDelimiter,
      apiVersion: spec.apiVersion,
      createdById: spec.createdById,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      errorMessage: undefined,
      data: undefined,
      header: [],
      successful: [],
      failed: [],
      unprocessed: [],
      allRowsUnprocessed: false,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      totalProcessingTime: 0,
      timer: undefined,
    };
    this.#jobs.set(job.id, job);
    return job;
  }

  get(id: string): IngestJob | undefined {
    return this.#jobs.get(id);
  }

  get all(): IngestJob[] {
    return [...this.#jobs.values()];
  }

  delete(job: IngestJob): void {
    clearTimeout(job.timer);
    this.#jobs.delete(job.id);
  }

  /** UploadComplete: the job is queued, then InProgress until processed `processingMs` later. */
  close(job: IngestJob): void {
    job.state = 'UploadComplete';
    job.systemModstamp = this.now();
    const fault = this.#faults.shift();
    // Salesforce picks a closed job up on its own schedule; here at once.
    queueMicrotask(() => {
      if (job.state !== 'UploadComplete') return;
      job.state = 'InProgress';
      if (fault?.outcome === 'NeverCompletes') return;
      const schedule = () => {
        job.timer = setTimeout(() => {
          job.timer = undefined;
          if (job.state !== 'InProgress') return;
          if (fault?.outcome === 'Failed' && fault.afterRows === undefined) {
            this.#fail(job, fault.errorMessage ?? 'Unknown : Exception with unknown cause occurred.', true);
          } else {
            this.#process(job, fault);
          }
        }, this.processingMs);
        job.timer.unref();
      };
      if (this.#held) this.#held.push(schedule);
      else schedule();
    });
  }

  abort(job: IngestJob): void {
    clearTimeout(job.timer);
    job.timer = undefined;
    job.state = 'Aborted';
    job.systemModstamp = this.now();
    job.allRowsUnprocessed = true;
  }

  /** A result set as CSV (see resultsCsv). */
  results(job: IngestJob, kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords'): string {
    if (job.allRowsUnprocessed && job.data) {
      job.allRowsUnprocessed = false;
      try {
        const { header, rows } = this.#parse(job);
        job.header = header;
        job.unprocessed = rows;
      } catch {
        job.unprocessed = [];
      }
    }
    return resultsCsv(job, kind);
  }

  /** Stops every pending timer (emulator shutdown). */
  shutdown(): void {
    for (const job of this.#jobs.values()) clearTimeout(job.timer);
  }

  #fail(job: IngestJob, errorMessage: string, keepRowsUnprocessed: boolean): void {
    job.state = 'Failed';
    job.errorMessage = errorMessage;
    job.systemModstamp = this.now();
    job.allRowsUnprocessed = keepRowsUnprocessed;
  }

  #process(job: IngestJob, stop?: Exclude<BulkFault, { outcome: 'NeverCompletes' }>): void {
    const started = this.now();
    const sobject = this.schema.get(job.object);
    if (!sobject) {
      this.#fail(job, `InvalidJob : Unable to find object: ${job.object}`, true);
      return;
    }
    if (!job.data || job.data.length === 0) {
      // [CHOSEN]: Bulk API v1 clients report this text for a job without data.
      this.#fail(job, 'InvalidBatch : Unable to find any data to create batch', false);
      return;
    }
    const text = job.data.toString('utf8');
    // [OBS] "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF"
    // (several projects, Salesforce CLI users).
    if (!lineEndingsMatch(text, job.lineEnding)) {
      this.#fail(
        job,
        `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${job.lineEnding}`,
        false,
      );
      return;
    }
    let header: string[];
    let rows: string[][];
    try {
      ({ header, rows } = this.#parse(job));
    } catch (error) {
      // [CHOSEN]: a file that is not valid CSV fails the job as a whole.
      const detail = error instanceof Error ? error.message : String(error);
      this.#fail(job, `InvalidBatch : Failed to parse CSV: ${detail}`, false);
      return;
    }
    job.header = header;
    const columns = resolveColumns(sobject, header);
    if ('error' in columns) {
      job.unprocessed = rows;
      this.#fail(job, columns.error, false);
      return;
    }
    const table = this.store.table(sobject);
    const keyField = job.operation === 'upsert' ? sobject.field(job.externalIdFieldName ?? '') : undefined;
    const processed = Math.min(rows.length, Math.max(0, stop?.afterRows ?? rows.length));
    for (let start = 0; start < processed; start += BATCH_ROWS) {
      const batch = rows.slice(start, Math.min(start + BATCH_ROWS, processed));
      const items = batch.map((row): DmlItem => ({
        table,
        op: rowOp(job.operation, columns.fields, row, keyField),
      }));
      const results = executeDml(items, false);
      results.forEach((result, i) => {
        this.#record(job, result, batch[i] ?? [], header.length);
      });
    }
    job.numberRecordsProcessed = processed;
    job.numberRecordsFailed = job.failed.length;
    job.state = 'JobComplete';
    job.systemModstamp = this.now();
    job.totalProcessingTime = job.systemModstamp - started;
    if (stop) {
      job.unprocessed = rows.slice(processed);
      if (stop.outcome === 'Aborted') job.state = 'Aborted';
      else this.#fail(job, stop.errorMessage ?? 'Unknown : Exception with unknown cause occurred.', false);
    }
  }

  #record(job: IngestJob, result: DmlResult, row: readonly string[], width: number): void {
    if (result.success) {
      job.successful.push({ id: result.id ?? '', created: result.created, row });
      return;
    }
    const [error] = result.errors;
    // A row of the wrong width is echoed as empty values ([OBS] failedResults sample).
    const echoed = row.length === width ? row : new Array<string>(width).fill('');
    job.failed.push({
      id: result.id ?? '',
      error: error ? formatError(error) : 'UNKNOWN_EXCEPTION:unknown:--',
      row: echoed,
    });
  }

  #parse(job: IngestJob): { header: string[]; rows: string[][] } {
    const records = parse(job.data ?? Buffer.alloc(0), {
      delimiter: DELIMITERS[job.columnDelimiter],
      record_delimiter: job.lineEnding === 'CRLF' ? '\r\n' : '\n',
      quote: '"',
      escape: '"',
      relax_column_count: true,
      bom: false,
      skip_empty_lines: false,
    });
    const [header = [], ...rows] = records;
    return { header, rows };
  }
}

/**
 * `sf__Error`: `<statusCode>:<message>:<fields> --`, or `…:--` without fields, e.g.
 * "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --" (jsforce's Bulk 2.0
 * integration test against a real org) and "INVALID_CROSS_REFERENCE_KEY:invalid cross reference
 * id:--" ([OBS] CLI output). Several fields are joined with commas [CHOSEN].
 */
function formatError(error: SaveError): string {
  const fields = error.fields.length > 0 ? `${error.fields.join(',')} ` : '';
  return `${error.statusCode}:${error.message}:${fields}--`;
}

type Columns = { fields: (FieldSchema | undefined)[] } | { error: string };

/**
 * Header names to fields. An unknown column fails the job: "InvalidBatch : Field name not found :
 * Foo__c" ([OBS] Bulk API users; relationship columns such as Owner.Email are not emulated and
 * fail the same way).
 */
function resolveColumns(sobject: SObjectSchema, header: readonly string[]): Columns {
  const fields: FieldSchema[] = [];
  for (const name of header) {
    const field = sobject.field(name);
    if (!field) return { error: `InvalidBatch : Field name not found : ${name}` };
    if (fields.includes(field)) return { error: `InvalidBatch : Duplicate field name: ${name}` };
    fields.push(field);
  }
  return { fields };
}

function rowOp(
  operation: BulkOperation,
  fields: readonly (FieldSchema | undefined)[],
  row: readonly string[],
  keyField: FieldSchema | undefined,
): DmlOp {
  if (row.length !== fields.length) {
    // [OBS] "INVALID_FIELD:Number of fields in header is different from the row. header = 4 row = 3:--".
    return failedOp(
      'INVALID_FIELD',
      `Number of fields in header is different from the row. header = ${fields.length} row = ${row.length}`,
      [],
    );
  }
  const values: FieldValues = {};
  let id = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const text = row[i] ?? '';
    if (!field || text === '') continue;
    if (field.type === 'id') {
      id = text;
      continue;
    }
    let value: StoredValue;
    if (text === '#N/A') {
      value = null;
    } else {
      const parsed = fromCsv(field, text);
      // [CHOSEN] wording after SOAP's INVALID_TYPE_ON_FIELD_IN_RECORD "value not of required type".
      if (isCsvTypeMismatch(parsed)) {
        return failedOp(
          'INVALID_TYPE_ON_FIELD_IN_RECORD',
          `${field.label}: value not of required type: ${text}`,
          [field.name],
        );
      }
      value = parsed;
    }
    values[field.name] = value;
  }
  switch (operation) {
    case 'insert':
      if (id !== '')
        return failedOp('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
      return { kind: 'create', values };
    case 'update':
      return { kind: 'update', id, values };
    case 'delete':
    case 'hardDelete':
      return { kind: 'delete', id };
    case 'upsert': {
      if (!keyField) throw new Error('upsert job without a key field');
      if (keyField.type === 'id')
        return id === '' ? { kind: 'create', values } : { kind: 'update', id, values };
      if (id !== '') {
        return failedOp(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
          ['Id'],
        );
      }
      const { [keyField.name]: key = null, ...rest } = values;
      return { kind: 'upsert', keyField, key, values: rest };
    }
  }
}

function failedOp(statusCode: string, message: string, fields: string[]): DmlOp {
  return { kind: 'failed', errors: [{ statusCode, message, fields }] };
}

/** Whether every record delimiter outside quotes is the job's line ending. */
function lineEndingsMatch(text: string, lineEnding: LineEnding): boolean {
  if (lineEnding === 'LF' && !text.includes('\r')) return true;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) {
      const crlf = i > 0 && text.charCodeAt(i - 1) === 13;
      if (crlf !== (lineEnding === 'CRLF')) return false;
    }
  }
  return true;
}

/** The CSV of a result set: `"sf__…"` columns, then the job's own header, then every value quoted. */
function resultsCsv(
  job: IngestJob,
  kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
): string {
  const delimiter = DELIMITERS[job.columnDelimiter];
  const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;
  const headerName = (name: string): string =>
    name.includes('"') || name.includes(delimiter) || name.includes('\n') || name.includes('\r')
      ? quote(name)
      : name;
  const original = job.header.map(headerName);
  const lines: string[] = [];
  if (kind === 'successfulResults') {
    lines.push(['"sf__Id"', '"sf__Created"', ...original].join(delimiter));
    for (const { id, created, row } of job.successful)
      lines.push([id, String(created), ...row].map(quote).join(delimiter));
  } else if (kind === 'failedResults') {
    lines.push(['"sf__Id"', '"sf__Error"', ...original].join(delimiter));
    for (const { id, error, row } of job.failed) lines.push([id, error, ...row].map(quote).join(delimiter));
  } else {
    lines.push(original.join(delimiter));
    for (const row of job.unprocessed) lines.push(row.map(quote).join(delimiter));
  }
  return lines.join(eol) + eol;
}

/** `2022-01-02T21:33:43.000+0000` ([DOC]). */
export function jobDate(epochMs: number): string {
  return formatDatetime(epochMs);
}
