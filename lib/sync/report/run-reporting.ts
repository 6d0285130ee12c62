import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from '../../s3-location.js';
import { defaultS3Client } from '../s3-client.js';
import { RunReport } from './run-report.js';
import { RunStateStore } from './run-state.js';

export { collectPendingJobs, saveUnfinishedJobs } from './pending-jobs.js';

/** What a run writes under `SYNC_REPORT_URL`: its report, and the state it passes on. */
export interface RunReporting {
  s3: S3Client;
  location: S3Location;
  report: RunReport;
  state: RunStateStore;
}

/**
 * Opens a run's report objects. Loaded on demand by the scheduled sync (this module is the
 * only one that needs `@aws-sdk/client-s3` for reports), so a run without `SYNC_REPORT_URL`
 * never loads it.
 */
export async function openRunReporting(
  location: S3Location,
  runId: string,
  s3?: S3Client,
): Promise<RunReporting> {
  // The container's one client, shared with the source reader, unless the caller gives its own.
  const client = s3 ?? (await defaultS3Client());
  return {
    s3: client,
    location,
    report: new RunReport({ client, location, runId }),
    state: new RunStateStore(client, location),
  };
}
