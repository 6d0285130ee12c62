import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ConfigurationError } from '../lib/errors.js';
import { runScheduledSync, type SyncSummary } from '../lib/sync/scheduled-sync.js';
import { createSyncRuntime, startInvocation } from '../lib/sync/sync-runtime.js';

const runtime = createSyncRuntime('sf-scheduled-sync');
const { logger, env } = runtime;
if (!env.sourceUrl || !env.sobject || !env.externalIdField) {
  throw new ConfigurationError(
    'scheduled sync needs SYNC_SOURCE_URL, SYNC_SOBJECT and SYNC_EXTERNAL_ID_FIELD',
  );
}
const target = { sourceUrl: env.sourceUrl, sobject: env.sobject, externalIdField: env.externalIdField };

async function sync(_event: unknown, context: Context): Promise<SyncSummary> {
  const { client, finish } = startInvocation(runtime, () => context.getRemainingTimeInMillis());
  const summary = await runScheduledSync({
    client,
    ...target,
    bulkThreshold: env.bulkThreshold,
    concurrency: env.collectionsConcurrency,
    dryRun: env.dryRun,
  });
  logger.info('scheduled sync finished', { ...summary, ...finish(summary) });
  return summary;
}

/** EventBridge schedule -> read SYNC_SOURCE_URL -> upsert into SYNC_SOBJECT; returns the summary. */
export const handler = middy(sync).use(injectLambdaContext(logger)).use(logMetrics(runtime.metrics));
