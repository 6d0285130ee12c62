import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { SyncEnv } from '../../lib/env.js';
import type { OutcomeCounts } from '../../lib/record-outcome.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { createTokenProvider } from '../../lib/token/create-token-provider.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';
import type { VendorTokenProvider } from '../../lib/token/vendor-token-provider.js';
import { createLogger } from './logger.js';
import { createMetrics, recordSyncMetrics } from './metrics.js';

/** What a sync function builds once per container: logger, metrics, settings and token source. */
export interface SyncRuntime<E extends SyncEnv = SyncEnv> {
  logger: Logger;
  metrics: Metrics;
  env: E;
  tokens: VendorTokenProvider | LocalTokenProvider;
}

/**
 * Builds the runtime at cold start. `readEnv` (`readSyncEnv`, `readScheduledSyncEnv`) validates
 * the function's settings first, so a misconfigured function fails before it builds any client.
 */
export function createSyncRuntime<E extends SyncEnv>(serviceName: string, readEnv: () => E): SyncRuntime<E> {
  const env = readEnv();
  const logger = createLogger(serviceName);
  return { logger, metrics: createMetrics(serviceName), env, tokens: createTokenProvider(env, { logger }) };
}

/**
 * What getting tokens has cost so far: logins when minting locally, or invocations of the
 * token vendor (whose own logins it publishes itself).
 */
function tokenRequests(tokens: SyncRuntime['tokens']): {
  metric: 'Logins' | 'TokenVendorInvocations';
  count: number;
} {
  return tokens instanceof LocalTokenProvider
    ? { metric: 'Logins', count: tokens.stats.logins }
    : { metric: 'TokenVendorInvocations', count: tokens.invocations };
}

/**
 * One invocation's REST client, bounded by the Lambda's remaining time, plus `finish`, which
 * publishes what the invocation cost (records written and failed, API calls, logins, and
 * Salesforce's reported API usage from `Sforce-Limit-Info`) and returns it for the log line.
 */
export function startInvocation(runtime: SyncRuntime, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  const tokensBefore = tokenRequests(runtime.tokens).count;
  const client = new SalesforceRestClient({
    tokens: runtime.tokens,
    apiVersion: runtime.env.apiVersion,
    deadline: () => Date.now() + context.getRemainingTimeInMillis(),
  });
  const finish = (counts: OutcomeCounts) => {
    const { metric, count } = tokenRequests(runtime.tokens);
    recordSyncMetrics(runtime.metrics, counts, client.apiCalls);
    runtime.metrics.addMetric(metric, MetricUnit.Count, count - tokensBefore);
    const usage = client.apiUsage;
    if (usage && usage.limit > 0) {
      runtime.metrics.addMetric('ApiUsagePercent', MetricUnit.Percent, (100 * usage.used) / usage.limit);
    }
    return {
      apiCalls: client.apiCalls,
      [metric === 'Logins' ? 'logins' : 'tokenVendorInvocations']: count - tokensBefore,
      apiUsage: usage ? `${usage.used}/${usage.limit}` : undefined,
    };
  };
  return { client, finish };
}
