import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { SyncEnv } from '../../lib/env.js';
import type { OutcomeCounts } from '../../lib/record-outcome.js';
import { ApiBudget, withApiBudget } from '../../lib/salesforce/api-budget.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { createTokenProvider } from '../../lib/token/create-token-provider.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';
import type { VendorTokenProvider } from '../../lib/token/vendor-token-provider.js';
import { createLogger } from './logger.js';
import { createMetrics, recordSyncMetrics } from './metrics.js';

/**
 * What a sync function builds once per container: logger, metrics, settings, token source, and
 * the API budget (its usage reading outlives an invocation).
 */
export interface SyncRuntime<E extends SyncEnv = SyncEnv> {
  logger: Logger;
  metrics: Metrics;
  env: E;
  tokens: VendorTokenProvider | LocalTokenProvider;
  budget: ApiBudget;
}

/**
 * Builds the runtime at cold start. `readEnv` (`readSyncEnv`, `readScheduledSyncEnv`) validates
 * the function's settings first, so a misconfigured function fails before it builds any client.
 */
export function createSyncRuntime<E extends SyncEnv>(serviceName: string, readEnv: () => E): SyncRuntime<E> {
  const env = readEnv();
  const logger = createLogger(serviceName);
  return {
    logger,
    metrics: createMetrics(serviceName),
    env,
    tokens: createTokenProvider(env, { logger }),
    budget: new ApiBudget({ percent: env.apiBudgetPercent }),
  };
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
 * One invocation's REST client, bounded by the Lambda's remaining time and with the API budget
 * in front of its writes, plus `finish`, which publishes what the invocation cost (records
 * written and failed, API calls, logins, Salesforce's reported API usage from `Sforce-Limit-Info`,
 * and `ApiBudgetExhausted` when the budget stopped a write) and returns it for the log line.
 */
export function startInvocation(runtime: SyncRuntime, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  const tokensBefore = tokenRequests(runtime.tokens).count;
  const refusalsBefore = runtime.budget.refusals;
  const rest = new SalesforceRestClient({
    tokens: runtime.tokens,
    apiVersion: runtime.env.apiVersion,
    deadline: () => Date.now() + context.getRemainingTimeInMillis(),
  });
  const finish = (counts: OutcomeCounts) => {
    const { metric, count } = tokenRequests(runtime.tokens);
    recordSyncMetrics(runtime.metrics, counts, rest.apiCalls);
    runtime.metrics.addMetric(metric, MetricUnit.Count, count - tokensBefore);
    const budgetExhausted = runtime.budget.refusals > refusalsBefore;
    // Published every invocation (0 or 1), so the alarm sees data, not silence, while all is well.
    runtime.metrics.addMetric('ApiBudgetExhausted', MetricUnit.Count, budgetExhausted ? 1 : 0);
    const usage = rest.apiUsage ?? runtime.budget.usage;
    if (usage && usage.limit > 0) {
      runtime.metrics.addMetric('ApiUsagePercent', MetricUnit.Percent, (100 * usage.used) / usage.limit);
    }
    return {
      apiCalls: rest.apiCalls,
      [metric === 'Logins' ? 'logins' : 'tokenVendorInvocations']: count - tokensBefore,
      apiUsage: usage ? `${usage.used}/${usage.limit}` : undefined,
      apiBudgetExhausted: budgetExhausted,
    };
  };
  return { client: withApiBudget(rest, runtime.budget), finish };
}
