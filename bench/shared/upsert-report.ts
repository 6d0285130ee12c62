/** What a client said about one upsert run, in a shape every client can produce. */
export interface UpsertReport {
  /** The API the client chose. */
  api: 'collections' | 'bulk';
  /**
   * External IDs the client reported as not written: its per-record failures, or every record
   * when the whole call threw (the caller then knows only that the batch failed).
   */
  failedIds: string[];
  /** The message of the error that ended the call, when it threw. */
  threw?: string;
}

export type BenchRecord = Record<string, unknown>;

export const SOBJECT = 'Account';
export const EXTERNAL_ID_FIELD = 'Ext_Id__c';
/** The package's default `SYNC_BULK_THRESHOLD`; jsforce is given the same cut-over. */
export const BULK_THRESHOLD = 2000;
export const API_VERSION = '66.0';

export function externalIdOf(record: BenchRecord): string {
  const value = record[EXTERNAL_ID_FIELD];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every record failed because the call threw. */
export function threwReport(
  api: UpsertReport['api'],
  records: readonly BenchRecord[],
  error: unknown,
): UpsertReport {
  return {
    api,
    failedIds: records.map(externalIdOf),
    threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}
