import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, errorMessage } from '../../record-outcome.js';
import { csvRecords, csvRow } from '../../csv.js';
import { jobInfo, TERMINAL_STATES } from '../../salesforce/bulk-job.js';
import { collectJobOutcomes, failRest, NO_RESULT, type OutcomeSink } from '../../salesforce/bulk-results.js';
import type { UnfinishedJob } from '../../salesforce/bulk-stream-writer.js';
import type { SalesforceApi } from '../../salesforce/salesforce-api.js';
import type { PendingJob } from './run-state.js';
import type { S3Location } from '../../s3-location.js';
import { S3ObjectWriter } from './s3-object-writer.js';

export interface JobTarget {
  sobject: string;
  externalIdField: string;
}

/**
 * Records the jobs a run leaves running: each job's external IDs and refs go to
 * `runs/<runId>/jobs/<jobId>.refs.csv` (streamed, one line per record), and the returned entries
 * go in the state object, so the next run can report every record of the job by its source ref.
 */
export async function saveUnfinishedJobs(
  s3: S3Client,
  location: S3Location,
  runId: string,
  target: JobTarget,
  jobs: readonly UnfinishedJob[],
  now: number,
): Promise<PendingJob[]> {
  const pending: PendingJob[] = [];
  for (const job of jobs) {
    const refsKey = `${location.prefix}runs/${runId}/jobs/${job.id}.refs.csv`;
    const writer = new S3ObjectWriter(s3, { bucket: location.bucket, key: refsKey, contentType: 'text/csv' });
    await writer.write(csvRow(['externalId', 'ref']));
    for (const [externalId, refs] of job.refs) {
      for (const ref of refs) await writer.write(csvRow([externalId, ref]));
    }
    await writer.end();
    pending.push({
      id: job.id,
      state: job.state,
      records: job.records,
      runId,
      submittedAt: now,
      refsKey,
      ...target,
    });
  }
  return pending;
}

/** What collecting the jobs of earlier runs found. */
export interface CollectedJobs {
  /** Jobs whose results were reported by this run. */
  collected: PendingJob[];
  /** Jobs still running (or whose state could not be read): carried over to the next run. */
  stillPending: PendingJob[];
}

/**
 * Reports the results of jobs earlier runs left running, before this run writes anything:
 * a finished job's records get their outcomes through `emit`, by the refs saved with it.
 */
export async function collectPendingJobs(
  client: SalesforceApi,
  s3: S3Client,
  bucket: string,
  jobs: readonly PendingJob[],
  emit: OutcomeSink,
): Promise<CollectedJobs> {
  const result: CollectedJobs = { collected: [], stillPending: [] };
  for (const job of jobs) {
    let info;
    try {
      info = await jobInfo(client, job.id);
    } catch {
      result.stillPending.push(job);
      continue;
    }
    if (!TERMINAL_STATES.has(info.state)) {
      result.stillPending.push({ ...job, state: info.state });
      continue;
    }
    const refs = await readRefs(s3, bucket, job.refsKey);
    if (refs instanceof Error) {
      // The job is over but its records cannot be named: say so once, under the job's id.
      await emit(
        {
          ref: `job ${job.id}`,
          ok: false,
          statusCode: errorCode(refs),
          message: `refs of Bulk job ${job.id} could not be read: ${errorMessage(refs)}`,
        },
        '',
      );
    } else {
      await collectJobOutcomes(client, info, job.externalIdField, refs, emit);
      await failRest(refs, emit, 'UNPROCESSED', NO_RESULT);
    }
    result.collected.push({ ...job, state: info.state });
  }
  return result;
}

async function readRefs(s3: S3Client, bucket: string, key: string): Promise<Map<string, string[]> | Error> {
  try {
    const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const refs = new Map<string, string[]>();
    const rows = csvRecords(output.Body as AsyncIterable<Uint8Array>, ['externalId', 'ref']);
    for await (const row of rows) {
      const externalId = row.externalId ?? '';
      refs.set(externalId, [...(refs.get(externalId) ?? []), row.ref ?? '']);
    }
    return refs;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
