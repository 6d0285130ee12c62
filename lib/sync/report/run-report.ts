import type { S3Client } from '@aws-sdk/client-s3';
import { csvRow } from '../../csv.js';
import type { S3Location } from '../../s3-location.js';
import { S3ObjectWriter } from './s3-object-writer.js';

/** One line of the failure report: which source record, and why Salesforce (or we) refused it. */
export interface ReportedFailure {
  /** The record's place in the source (`line 12`, `#3`, `row 7`) or its SQS message id. */
  ref: string;
  externalId?: string | undefined;
  statusCode: string;
  message: string;
  fields?: readonly string[] | undefined;
}

export interface RunReportOptions {
  client: S3Client;
  location: S3Location;
  /** Names this run's folder; sortable by time (see {@link newRunId}). */
  runId: string;
  /** Multipart part size of the failure report. Default 8 MiB. */
  partBytes?: number | undefined;
}

const HEADER = csvRow(['ref', 'externalId', 'statusCode', 'message', 'fields']);

/**
 * The objects one scheduled run leaves under `SYNC_REPORT_URL`: `runs/<runId>/failures.csv`,
 * every failed record however many (streamed to S3 as it grows), and `runs/<runId>/summary.json`.
 * The failure report is written even when empty, so "no failures" is on record too.
 */
export class RunReport {
  readonly failuresKey: string;
  readonly summaryKey: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #failures: S3ObjectWriter;
  #failed = 0;
  #started = false;

  constructor(options: RunReportOptions) {
    const folder = `${options.location.prefix}runs/${options.runId}/`;
    this.failuresKey = `${folder}failures.csv`;
    this.summaryKey = `${folder}summary.json`;
    this.#client = options.client;
    this.#bucket = options.location.bucket;
    this.#failures = new S3ObjectWriter(options.client, {
      bucket: this.#bucket,
      key: this.failuresKey,
      contentType: 'text/csv; charset=utf-8',
      partBytes: options.partBytes,
    });
  }

  /** Failures written so far. */
  get failed(): number {
    return this.#failed;
  }

  /** `s3://bucket/key` of an object of this report. */
  url(key: string): string {
    return `s3://${this.#bucket}/${key}`;
  }

  async addFailure(failure: ReportedFailure): Promise<void> {
    // RFC 4180 (lib/csv.ts, the Bulk uploads' writer): commas and newlines in messages stay in their cell.
    const line = csvRow([
      failure.ref,
      failure.externalId ?? '',
      failure.statusCode,
      failure.message,
      (failure.fields ?? []).join(','),
    ]);
    await this.#failures.write(`${this.#start()}${line}`);
    this.#failed += 1;
  }

  /** Completes the failure report, then writes the summary next to it. */
  async finish(summary: unknown): Promise<void> {
    const header = this.#start();
    if (header) await this.#failures.write(header);
    await this.#failures.end();
    const summaryWriter = new S3ObjectWriter(this.#client, {
      bucket: this.#bucket,
      key: this.summaryKey,
      contentType: 'application/json',
    });
    await summaryWriter.write(`${JSON.stringify(summary, null, 2)}\n`);
    await summaryWriter.end();
  }

  /** Drops an unfinished failure report (its multipart upload is aborted). */
  async abort(): Promise<void> {
    await this.#failures.abort();
  }

  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    return HEADER;
  }
}
