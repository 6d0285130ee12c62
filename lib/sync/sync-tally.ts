import { SUMMARY_MAX_FAILURES } from '../constants.js';
import type { RecordOutcome } from '../record-outcome.js';

/** One failure as the summary lists it. */
export interface SyncFailure {
  ref: string;
  externalId?: string | undefined;
  statusCode: string;
  message: string;
}

/** Counts of one set of outcomes. */
export interface TallyCounts {
  created: number;
  updated: number;
  failed: number;
}

/** Where every failure goes as well as the tally (the run's failure report). */
export type FailureSink = (
  failure: SyncFailure & { fields?: readonly string[] | undefined },
) => Promise<void>;

/**
 * Counts outcomes as they stream past, keeps the first failures for the summary, and hands
 * every failure to the report, so no failure is known only to the logs.
 */
export class SyncTally {
  readonly counts: TallyCounts = { created: 0, updated: 0, failed: 0 };
  readonly failures: SyncFailure[] = [];
  readonly #sink: FailureSink | undefined;

  constructor(sink?: FailureSink) {
    this.#sink = sink;
  }

  /**
   * Records one outcome (bound, so it can be passed as a writer's `emit`); a failure is also kept
   * (the first 50) and passed to the sink. Returns the sink's promise, or nothing for a written
   * record: no promise per record on the common path.
   */
  readonly add = (outcome: RecordOutcome, externalId?: string): Promise<void> | undefined => {
    if (outcome.ok) {
      this.counts[outcome.created ? 'created' : 'updated'] += 1;
      return undefined;
    }
    this.counts.failed += 1;
    const failure = {
      ref: outcome.ref,
      externalId: externalId === '' ? undefined : externalId,
      statusCode: outcome.statusCode,
      message: outcome.message,
    };
    if (this.failures.length < SUMMARY_MAX_FAILURES) this.failures.push(failure);
    return this.#sink?.({ ...failure, fields: outcome.fields });
  };
}
