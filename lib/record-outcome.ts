import { MAX_FAILURE_FIELDS, MAX_FAILURE_MESSAGE } from './constants.js';
import { SalesforceApiError, SfBridgeError } from './errors.js';

/**
 * What became of each record written to Salesforce: the types and helpers that the writers
 * (sObject Collections, Bulk API 2.0) and the sync functions share.
 */

/** A record to write, with the caller's reference to report back against (SQS messageId, row number). */
export interface SyncItem {
  ref: string;
  record: Record<string, unknown>;
}

/** Several items for one external ID, merged into the one record Salesforce will see. */
export interface MergedItem {
  /** The external ID, lower-cased: the key Salesforce matches on. */
  externalId: string;
  /** Every caller reference that shares this external ID, in input order. */
  refs: string[];
  record: Record<string, unknown>;
}

export interface RecordWritten {
  ref: string;
  ok: true;
  /** The Salesforce record Id. */
  id: string;
  created: boolean;
}

export interface RecordFailed {
  ref: string;
  ok: false;
  /** Salesforce's `statusCode`/`errorCode` (e.g. `REQUIRED_FIELD_MISSING`), or ours (e.g. `INVALID_MESSAGE`). */
  statusCode: string;
  message: string;
  /** The fields at fault, when Salesforce names them. */
  fields?: string[] | undefined;
}

/** What became of one item: every item gets exactly one outcome, so nothing is dropped. */
export type RecordOutcome = RecordWritten | RecordFailed;

/** A failure, its message and field list bounded (`MAX_FAILURE_MESSAGE`, `MAX_FAILURE_FIELDS`). */
export function failed(ref: string, statusCode: string, message: string, fields?: string[]): RecordFailed {
  const bounded =
    message.length > MAX_FAILURE_MESSAGE ? `${message.slice(0, MAX_FAILURE_MESSAGE - 1)}…` : message;
  const named = fields?.length ? fields.slice(0, MAX_FAILURE_FIELDS) : undefined;
  return { ref, ok: false, statusCode, message: bounded, fields: named };
}

/** The same failure for every reference behind the given merged items. */
export function failAll(
  items: readonly MergedItem[],
  statusCode: string,
  message: string,
  fields?: string[],
): RecordOutcome[] {
  return items.flatMap((item) => item.refs.map((ref) => failed(ref, statusCode, message, fields)));
}

/** A record's status code for an error that failed its whole call: Salesforce's, else ours. */
export function errorCode(error: unknown): string {
  if (error instanceof SalesforceApiError) return error.errorCode;
  if (error instanceof SfBridgeError) return error.recordStatusCode ?? error.code;
  return 'UNKNOWN_ERROR';
}

/** A record's failure message for an error that failed its whole call: Salesforce's, else ours. */
export function errorMessage(error: unknown): string {
  if (error instanceof SalesforceApiError) return error.errors[0]?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Records created, updated and failed. */
export interface OutcomeCounts {
  created: number;
  updated: number;
  failed: number;
}

/** Counts outcomes by kind. */
export function countOutcomes(outcomes: Iterable<RecordOutcome>): OutcomeCounts {
  const counts = { created: 0, updated: 0, failed: 0 };
  for (const outcome of outcomes) {
    if (!outcome.ok) counts.failed += 1;
    else if (outcome.created) counts.created += 1;
    else counts.updated += 1;
  }
  return counts;
}

/** Narrows an outcome to a failure, e.g. for `outcomes.filter(isFailure)`. */
export function isFailure(outcome: RecordOutcome): outcome is RecordFailed {
  return !outcome.ok;
}
