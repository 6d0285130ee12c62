import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readScheduledSyncEnv } from '../lib/env.js';
import { parseScheduledEvent } from '../lib/sync/lambda-events.js';
import { newRunId } from '../lib/sync/run-id.js';
import { defaultS3Client } from '../lib/sync/s3-client.js';
import { runScheduledSync, type SyncSummary } from '../lib/sync/scheduled-sync.js';
import { createSyncRuntime, startInvocation } from './shared/sync-runtime.js';

// Built once per container; a missing source or target fails here, at cold start.
const runtime = createSyncRuntime('sf-scheduled-sync', readScheduledSyncEnv);
const { logger, env } = runtime;
// The S3 client starts loading at init, as Lambda advises for SDK clients
// (https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html): @aws-sdk/client-s3 takes
// about 200 ms to load, which then overlaps the runtime's wait for the event and the token's
// login rather than coming first in the run. Not awaited: a module with top-level await cannot be
// require()d, which is how `serverless invoke local` loads a handler. A failure is left to the
// run, which loads it again and reports it. Only a function that reads an s3:// source or writes
// a report loads it at all.
if (env.sourceUrl.startsWith('s3://') || env.reportTo) defaultS3Client().catch(() => undefined);

async function sync(event: unknown, context: Context): Promise<SyncSummary> {
  parseScheduledEvent(event);
  const { client, finish } = startInvocation(runtime, context);
  // The token is asked for now, while the source is opened and read, so that its login (a secret
  // fetch, a signature, a round trip) is not on the way to the first write. A failure here is
  // left to that first write, which asks again and reports it. A dry run writes nothing.
  if (!env.dryRun) {
    runtime.tokens
      .getToken({ deadline: Date.now() + context.getRemainingTimeInMillis() })
      .catch(() => undefined);
  }
  const summary = await runScheduledSync({
    client,
    sourceUrl: env.sourceUrl,
    sobject: env.sobject,
    externalIdField: env.externalIdField,
    bulkThreshold: env.bulkThreshold,
    concurrency: env.collectionsConcurrency,
    dryRun: env.dryRun,
    sourceFormat: env.sourceFormat,
    maxSourceBytes: env.maxSourceBytes,
    maxRecordBytes: env.maxRecordBytes,
    reportTo: env.reportTo,
    runId: newRunId(Date.now(), context.awsRequestId),
  });
  logger.info('scheduled sync finished', { ...summary, ...finish(summary) });
  return summary;
}

/** EventBridge schedule -> read SYNC_SOURCE_URL -> upsert into SYNC_SOBJECT; returns the summary. */
export const handler = middy(sync).use(injectLambdaContext(logger)).use(logMetrics(runtime.metrics));
