import type { MetricsSink } from '../observability/metrics.js';
import { MetricUnit } from '../observability/metrics.js';
import type { RecordFailed, RecordOutcome } from './record-outcome.js';

export interface OutcomeCounts {
  created: number;
  updated: number;
  failed: number;
}

export function countOutcomes(outcomes: Iterable<RecordOutcome>): OutcomeCounts {
  const counts = { created: 0, updated: 0, failed: 0 };
  for (const outcome of outcomes) {
    if (!outcome.ok) counts.failed += 1;
    else if (outcome.created) counts.created += 1;
    else counts.updated += 1;
  }
  return counts;
}

export function isFailure(outcome: RecordOutcome): outcome is RecordFailed {
  return !outcome.ok;
}

/** Records written and failed, and API calls, as EMF metrics. */
export function recordSyncMetrics(metrics: MetricsSink, counts: OutcomeCounts, apiCalls: number): void {
  metrics.addMetric('RecordsWritten', MetricUnit.Count, counts.created + counts.updated);
  metrics.addMetric('RecordsFailed', MetricUnit.Count, counts.failed);
  metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls);
}
