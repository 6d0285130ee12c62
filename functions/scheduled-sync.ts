import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readScheduledSyncEnv } from '../lib/env.js';
import { parseScheduledEvent } from '../lib/sync/lambda-events.js';
import { newRunId } from '../lib/sync/run-id.js';
import { runScheduledSync, type SyncSummary } from '../lib/sync/scheduled-sync.js';
import { createSyncRuntime, startInvocation } from './shared/sync-runtime.js';

// Built once per container; a missing source or target fails here, at cold start.
const runtime = createSyncRuntime('sf-scheduled-sync', readScheduledSyncEnv);
const { logger, env } = runtime;

async function sync(event: unknown, context: Context): Promise<SyncSummary> {
  parseScheduledEvent(event);
  const { client, finish } = startInvocation(runtime, context);
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
