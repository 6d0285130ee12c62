import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { readSyncEnv, type SyncEnv } from '../env.js';
import { createLogger } from '../logging/logger.js';
import { createMetrics, MetricUnit } from '../observability/metrics.js';
import { SalesforceRestClient } from '../salesforce/rest-client.js';
import { createTokenProvider } from '../token/create-token-provider.js';
import { LocalTokenProvider } from '../token/token-provider.js';
import type { VendorTokenProvider } from '../token/vendor-token-provider.js';
import { recordSyncMetrics, type OutcomeCounts } from './sync-report.js';

/** What a sync function builds once per container: logger, metrics, settings and token source. */
export interface SyncRuntime {
  logger: Logger;
  metrics: Metrics;
  env: SyncEnv;
  tokens: VendorTokenProvider | LocalTokenProvider;
}

export function createSyncRuntime(serviceName: string): SyncRuntime {
  const logger = createLogger(serviceName);
  const env = readSyncEnv();
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
 * One invocation's REST client, bounded by the invocation's deadline, plus `finish`, which logs
 * and publishes what the invocation cost: records written and failed, API calls, logins, and
 * Salesforce's reported API usage (`Sforce-Limit-Info`).
 */
export function startInvocation(runtime: SyncRuntime, remainingMs: () => number) {
  const tokensBefore = tokenRequests(runtime.tokens).count;
  const client = new SalesforceRestClient({
    tokens: runtime.tokens,
    apiVersion: runtime.env.apiVersion,
    deadline: () => Date.now() + remainingMs(),
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
      ...(usage ? { apiUsage: `${usage.used}/${usage.limit}` } : {}),
    };
  };
  return { client, finish };
}
