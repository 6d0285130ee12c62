/** A record to write, with the caller's reference to report back against (SQS messageId, row number). */
export interface SyncItem {
  ref: string;
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
  fields?: string[];
}

/** What became of one item: every item gets exactly one outcome, so nothing is dropped. */
export type RecordOutcome = RecordWritten | RecordFailed;

/**
 * Longest failure message kept. Salesforce's messages can quote the refused value (a 131,072-
 * character description that was too long, for instance); logs and summaries stay readable.
 */
export const MAX_FAILURE_MESSAGE = 300;

export function failed(ref: string, statusCode: string, message: string, fields?: string[]): RecordFailed {
  const bounded =
    message.length > MAX_FAILURE_MESSAGE ? `${message.slice(0, MAX_FAILURE_MESSAGE - 1)}…` : message;
  return {
    ref,
    ok: false,
    statusCode,
    message: bounded,
    ...(fields?.length ? { fields: fields.slice(0, 20) } : {}),
  };
}
