import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE } from '../../lib/constants.js';
import { readPowertoolsEnv } from '../../lib/env.js';
import type { OutcomeCounts } from '../../lib/record-outcome.js';

/**
 * Powertools Metrics (CloudWatch EMF) under one namespace. `POWERTOOLS_METRICS_NAMESPACE` and
 * `POWERTOOLS_SERVICE_NAME` override the defaults, as Powertools documents. Dimensions carry
 * only the service name: never a token, record value or anything secret.
 */
export function createMetrics(serviceName: string): Metrics {
  const env = readPowertoolsEnv();
  return new Metrics({
    namespace: env.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: env.serviceName ?? serviceName,
  });
}

/** Records written and failed, and API calls, as EMF metrics. */
export function recordSyncMetrics(metrics: Metrics, counts: OutcomeCounts, apiCalls: number): void {
  metrics.addMetric('RecordsWritten', MetricUnit.Count, counts.created + counts.updated);
  metrics.addMetric('RecordsFailed', MetricUnit.Count, counts.failed);
  metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls);
}
