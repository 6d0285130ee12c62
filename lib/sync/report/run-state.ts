import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { ReportWriteError } from '../../errors.js';
import { parseJsonRejectingProto } from '../../json.js';
import { describeIssues } from '../../schema-issues.js';
import type { S3Location } from '../../s3-location.js';

/** A Bulk API 2.0 job a run submitted but could not see finish before its time ran out. */
export interface PendingJob {
  id: string;
  /** The job's state when the run stopped waiting (e.g. `InProgress`). */
  state: string;
  sobject: string;
  externalIdField: string;
  /** Records uploaded in the job. */
  records: number;
  /** The run that submitted it, and when (epoch ms). */
  runId: string;
  submittedAt: number;
  /** Key of the object mapping the job's external IDs back to their source refs. */
  refsKey: string;
}

/** What one run leaves for the next: jobs whose results it still owes the report. */
export interface RunState {
  version: 1;
  pendingJobs: PendingJob[];
}

const pendingJob = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9]{15,18}$/, 'is not a Salesforce job id')),
  state: z.string().check(z.maxLength(40)),
  sobject: z.string().check(z.maxLength(255)),
  externalIdField: z.string().check(z.maxLength(255)),
  records: z.number().check(z.int(), z.nonnegative()),
  runId: z.string().check(z.maxLength(120)),
  submittedAt: z.number(),
  refsKey: z.string().check(z.maxLength(1024)),
});

const runState = z.strictObject({
  version: z.literal(1),
  pendingJobs: z.array(pendingJob).check(z.maxLength(1000)),
});

/**
 * `state.json` under `SYNC_REPORT_URL`: read at the start of a run (to collect the results of
 * jobs an earlier run left running) and written at its end. No object means no pending jobs.
 */
export class RunStateStore {
  readonly key: string;
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(client: S3Client, location: S3Location) {
    this.#client = client;
    this.#bucket = location.bucket;
    this.key = `${location.prefix}state.json`;
  }

  async read(): Promise<RunState> {
    let text: string;
    try {
      const output = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.key }));
      text = (await output.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: unknown }).name === 'NoSuchKey') {
        return { version: 1, pendingJobs: [] };
      }
      throw this.#error('could not be read', error);
    }
    let value: unknown;
    try {
      value = parseJsonRejectingProto(text);
    } catch {
      throw new ReportWriteError(`${this.#where()} is not valid JSON`);
    }
    const parsed = runState.safeParse(value);
    if (!parsed.success) {
      throw new ReportWriteError(
        `${this.#where()} is not a run state: ${describeIssues(parsed.error, { root: 'state' })}`,
      );
    }
    return parsed.data;
  }

  async write(state: RunState): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.key,
          Body: `${JSON.stringify(state, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      throw this.#error('could not be written', error);
    }
  }

  #error(what: string, error: unknown): ReportWriteError {
    const name = error instanceof Error ? error.name : 'Error';
    return new ReportWriteError(`${this.#where()} ${what}: ${name}`, undefined, { cause: error });
  }

  #where(): string {
    return `Run state s3://${this.#bucket}/${this.key}`;
  }
}
