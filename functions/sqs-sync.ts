import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { readSyncEnv } from '../lib/env.js';
import { parseSqsEvent } from '../lib/sync/lambda-events.js';
import { syncSqsBatch } from '../lib/sync/sqs-batch.js';
import { createSyncRuntime, startInvocation } from './shared/sync-runtime.js';

// Built once per container; the token cache inside lives as long as the container.
const runtime = createSyncRuntime('sf-sqs-sync', readSyncEnv);
const { logger, env } = runtime;

async function sync(input: unknown, context: Context): Promise<SQSBatchResponse> {
  // Before any client is built: a malformed event fails the whole batch with InvalidEventError.
  const event = parseSqsEvent(input);
  const { client, finish } = startInvocation(runtime, context);
  const { response, counts } = await syncSqsBatch(event.Records, {
    client,
    defaults: { sobject: env.sobject, externalIdField: env.externalIdField },
    bulkThreshold: env.bulkThreshold,
    concurrency: env.collectionsConcurrency,
    logger,
  }).catch((error: unknown) => {
    // A thrown batch (every message failed) still costs what it cost: publish it.
    finish({ created: 0, updated: 0, failed: event.Records.length });
    throw error;
  });
  logger.info('SQS batch synced', { messages: event.Records.length, ...counts, ...finish(counts) });
  return response;
}

/** SQS -> Salesforce upserts, answering with `{batchItemFailures}` (ReportBatchItemFailures). */
export const handler = middy(sync).use(injectLambdaContext(logger)).use(logMetrics(runtime.metrics));
