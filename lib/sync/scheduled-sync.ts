import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { SYNC_DEADLINE_RESERVE_MS } from '../constants.js';
import type { SourceFormat } from '../env.js';
import { SourceReadError } from '../errors.js';
import { failed } from '../record-outcome.js';
import { failRest } from '../salesforce/bulk-results.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import { AutoWriter } from './auto-writer.js';
import { formatProblems } from '../schema-issues.js';
import { externalIdOf, validateRecord, type RecordProblem, type SyncRecord } from './validate-record.js';
import type { PendingJob } from './report/run-state.js';
import type { S3Location } from '../s3-location.js';
import { newRunId } from './run-id.js';
import { readSourceBatches } from './source/read-source.js';
import { SyncTally, type SyncFailure, type TallyCounts } from './sync-tally.js';

export type { SyncFailure };

export interface ScheduledSyncOptions {
  /** A `SalesforceClient`, the sync runtime's client, or any {@link SalesforceApi}. */
  client: SalesforceApi;
  sourceUrl: string;
  sobject: string;
  externalIdField: string;
  bulkThreshold?: number | undefined;
  concurrency?: number | undefined;
  dryRun?: boolean | undefined;
  /** `SYNC_SOURCE_FORMAT`. Default: from each object's extension or Content-Type. */
  sourceFormat?: SourceFormat | undefined;
  /** `SYNC_MAX_SOURCE_BYTES`, as sent and after decompression. Default 1 GiB. */
  maxSourceBytes?: number | undefined;
  /** `SYNC_MAX_RECORD_BYTES`. Default 2 MiB. */
  maxRecordBytes?: number | undefined;
  /** The S3 client of an `s3://` source and of the report. Default: one configured by the SDK's env vars. */
  s3?: S3Client | undefined;
  /** `SYNC_REPORT_URL`: where the failure report, summary and state objects go. Default: none. */
  reportTo?: S3Location | undefined;
  /** Names this run's report folder; e.g. the Lambda request id. Default: random. */
  runId?: string | undefined;
  /** Time kept back from the deadline to finish and report. Default 10 s (a quarter of the time left, if less). */
  reserveMs?: number | undefined;
  /** Bulk job size bounds and polling, for tests. */
  bulk?: { maxJobRecords?: number; maxJobBytes?: number; pollMinMs?: number; pollMaxMs?: number } | undefined;
}

/** A Bulk job as the summary lists it. */
export interface JobSummary {
  id: string;
  state: string;
  records: number;
}

/** The scheduled sync's result, returned by the handler, logged, and written under `SYNC_REPORT_URL`. */
export interface SyncSummary {
  /** Entries read from the source (records, and lines or elements that were not records). */
  read: number;
  created: number;
  updated: number;
  failed: number;
  /** The first 50 failures, with external ID and error; the report has them all. */
  failures: SyncFailure[];
  apiCalls: number;
  durationMs: number;
  api: 'collections' | 'bulk' | 'none';
  dryRun: boolean;
  /** Set when the source was not read to its end: the deadline came, or it failed part way. */
  stopped?:
    | { reason: 'deadline' | 'source-error'; afterRef?: string | undefined; message?: string | undefined }
    | undefined;
  /** Bulk jobs still running when this run ended; with a report location the next run collects them. */
  pendingJobs: JobSummary[];
  /** Jobs of earlier runs whose results this run collected, and what became of their records. */
  collected?: (TallyCounts & { jobs: JobSummary[] }) | undefined;
  /** `s3://` URLs of this run's report objects. */
  report?: { failures: string; summary: string; state: string } | undefined;
}

/**
 * Reads the source as a stream, validates every record, and writes the valid ones as they come
 * (sObject Collections for a small source, else Bulk API 2.0 jobs uploaded while they fill), so
 * memory does not grow with the source. Every record ends up counted: written, refused before
 * Salesforce, or failed with Salesforce's reason. With `reportTo`, every failure goes to
 * `runs/<runId>/failures.csv` and the summary to `runs/<runId>/summary.json`; jobs still running
 * at the deadline are saved in `state.json`, and the next run reports their results first.
 * Reading stops `reserveMs` before the deadline. A source that cannot be opened throws
 * `SourceReadError` having written nothing; one that fails part way is reported (`stopped`)
 * after what was read has been written, then the error is thrown.
 */
export async function runScheduledSync(options: ScheduledSyncOptions): Promise<SyncSummary> {
  const { summary, sourceError } = await syncAndReport(options);
  // Thrown once what was read is written and reported, so the invocation still counts as failed.
  if (sourceError) throw sourceError;
  return summary;
}

async function syncAndReport(
  options: ScheduledSyncOptions,
): Promise<{ summary: SyncSummary; sourceError: SourceReadError | undefined }> {
  const started = Date.now();
  const { client, externalIdField } = options;
  // A short-lived run (a test, a tiny timeout) keeps a quarter of its time back instead.
  const reserveMs = options.reserveMs ?? Math.min(SYNC_DEADLINE_RESERVE_MS, client.remainingMs() / 4);
  const runId = options.runId ?? newRunId(started, randomUUID());
  const reporting = options.reportTo
    ? await (await import('./report/run-reporting.js')).openRunReporting(options.reportTo, runId, options.s3)
    : undefined;
  const tally = new SyncTally(reporting ? (failure) => reporting.report.addFailure(failure) : undefined);

  try {
    // Jobs an earlier run left running are reported first, so their outcomes are never lost.
    let carried: PendingJob[] = [];
    let collected: SyncSummary['collected'];
    if (reporting && !options.dryRun) {
      const { collectPendingJobs } = await import('./report/run-reporting.js');
      const earlier = new SyncTally((failure) => reporting.report.addFailure(failure));
      const state = await reporting.state.read();
      const found = await collectPendingJobs(
        client,
        reporting.s3,
        reporting.location.bucket,
        state.pendingJobs,
        earlier.add,
      );
      carried = found.stillPending;
      if (found.collected.length > 0) {
        collected = {
          ...earlier.counts,
          jobs: found.collected.map(({ id, state: s, records }) => ({ id, state: s, records })),
        };
      }
    }

    const writer = new AutoWriter(client, {
      sobject: options.sobject,
      externalIdField,
      emit: tally.add,
      bulkThreshold: options.bulkThreshold,
      concurrency: options.concurrency,
      reserveMs,
      ...options.bulk,
    });
    const remaining = client.remainingMs();
    const stopAt = Number.isFinite(remaining) ? started + remaining - reserveMs : undefined;
    let read = 0;
    let lastRef: string | undefined;
    let stopped: SyncSummary['stopped'];
    let sourceError: SourceReadError | undefined;
    try {
      // In batches (the records one chunk completes): one step of async iteration each, not one
      // per record.
      reading: for await (const batch of readSourceBatches(options.sourceUrl, {
        format: options.sourceFormat,
        maxSourceBytes: options.maxSourceBytes,
        maxRecordBytes: options.maxRecordBytes,
        deadline: stopAt,
        s3: options.s3,
      })) {
        for (const entry of batch) {
          if (stopAt !== undefined && Date.now() >= stopAt) {
            stopped = { reason: 'deadline', afterRef: lastRef };
            break reading;
          }
          read += 1;
          lastRef = entry.ref;
          if ('error' in entry) {
            await tally.add(failed(entry.ref, entry.code, `source ${entry.ref} ${entry.error}`));
            continue;
          }
          // The hand validator, not the zod schema built on it: the same rules and messages, without
          // a parse result and context per record (a fifth of the Collections path's time at 100,000).
          const problems = validateRecord(entry.value);
          if (problems.length > 0) {
            await tally.add(failed(entry.ref, 'INVALID_RECORD', describeSourceRecordProblems(problems)));
            continue;
          }
          const record = entry.value as SyncRecord;
          const externalId = externalIdOf(record, externalIdField);
          if (externalId === undefined) {
            await tally.add(
              failed(entry.ref, 'MISSING_EXTERNAL_ID', `no value for ${externalIdField}`, [externalIdField]),
              undefined,
            );
            continue;
          }
          if (!options.dryRun) {
            const written = writer.write({ ref: entry.ref, record });
            if (written) await written;
          }
        }
      }
    } catch (error) {
      // Nothing read: nothing to write or report but the error itself.
      if (!(error instanceof SourceReadError) || read === 0) throw error;
      if (error.limit === 'deadline') stopped = { reason: 'deadline', afterRef: lastRef };
      else {
        stopped = { reason: 'source-error', afterRef: lastRef, message: error.message };
        sourceError = error;
      }
    }

    const { api, unfinished } = await writer.end();
    let pending: PendingJob[] = [];
    if (reporting) {
      const { saveUnfinishedJobs } = await import('./report/run-reporting.js');
      pending = await saveUnfinishedJobs(
        reporting.s3,
        reporting.location,
        runId,
        { sobject: options.sobject, externalIdField },
        unfinished,
        Date.now(),
      );
      await reporting.state.write({ version: 1, pendingJobs: [...carried, ...pending] });
    } else {
      // No place to keep them for a later run: their records' fate is unknown, and said so.
      for (const job of unfinished) {
        await failRest(
          job.refs,
          tally.add,
          'BULK_JOB_INCOMPLETE',
          `Bulk job ${job.id} was still ${job.state} when time ran out; its records may or may not be written`,
        );
      }
    }

    const summary: SyncSummary = {
      read,
      ...tally.counts,
      failures: tally.failures,
      apiCalls: client.apiCalls,
      durationMs: Date.now() - started,
      api,
      dryRun: options.dryRun ?? false,
      stopped,
      pendingJobs: unfinished.map(({ id, state, records }) => ({ id, state, records })),
      collected,
      report: reporting && {
        failures: reporting.report.url(reporting.report.failuresKey),
        summary: reporting.report.url(reporting.report.summaryKey),
        state: reporting.report.url(reporting.state.key),
      },
    };
    await reporting?.report.finish(summary);
    return { summary, sourceError };
  } catch (error) {
    await reporting?.report.abort();
    throw error;
  }
}

/**
 * A source record's problems as the scheduled sync has always reported them (the zod schema's
 * form): `Name: problem`, `body: problem` for the record itself, each once.
 */
function describeSourceRecordProblems(problems: readonly RecordProblem[]): string {
  const lines = new Set(problems.map(({ path, problem }) => `${path.join('.') || 'body'}\n${problem}`));
  return formatProblems(
    [...lines].map((line) => {
      const [field = '', problem = ''] = line.split('\n');
      return { field, problem };
    }),
  );
}
