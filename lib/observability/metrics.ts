import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { MetricUnit };

/** What sync code records metrics through; a Powertools Metrics instance will do. */
export type MetricsSink = Pick<Metrics, 'addMetric'>;

/**
 * Powertools Metrics (CloudWatch EMF) under one namespace. `POWERTOOLS_METRICS_NAMESPACE` and
 * `POWERTOOLS_SERVICE_NAME` override the defaults, as Powertools documents. Dimensions carry
 * only the service name: never a token, record value or anything secret.
 */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SfLambdaBridge',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
  });
}
