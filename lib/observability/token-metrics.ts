import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { LocalTokenProvider } from '../token/token-provider.js';
import { MetricUnit } from './metrics.js';

/**
 * Runs one vend and publishes the logins, failed logins and secret fetches it caused, as EMF
 * metrics, only when it caused any: a warm vend writes no line, so it stays a sub-microsecond
 * cache hit, while every login (what counts against Salesforce's 3,600 an hour) is on record.
 */
export async function withTokenCostMetrics<T>(
  metrics: Metrics,
  provider: LocalTokenProvider,
  vend: () => Promise<T>,
): Promise<T> {
  const before = { ...provider.stats, fetches: provider.secretSource.fetches };
  try {
    return await vend();
  } finally {
    const logins = provider.stats.logins - before.logins;
    const failures = provider.stats.loginFailures - before.loginFailures;
    const fetches = provider.secretSource.fetches - before.fetches;
    if (logins + failures + fetches > 0) {
      metrics.addMetric('Logins', MetricUnit.Count, logins);
      metrics.addMetric('LoginFailures', MetricUnit.Count, failures);
      metrics.addMetric('SecretFetches', MetricUnit.Count, fetches);
      metrics.publishStoredMetrics();
    }
  }
}
