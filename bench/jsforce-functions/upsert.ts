// Upserting with jsforce as documented: sObject Collections through
// `conn.sobject(type).upsert(records, extIdField, {allowRecursive: true})` (200 per call, one after
// the other), and Bulk API 2.0 through `conn.bulk2.loadAndWaitForResults` for big loads.
import type { Connection, Record as JsforceRecord } from 'jsforce';
import {
  BULK_THRESHOLD,
  EXTERNAL_ID_FIELD,
  externalIdOf,
  SOBJECT,
  threwReport,
  type BenchRecord,
  type UpsertReport,
} from '../shared/upsert-report.js';

export async function upsertWithJsforce(
  conn: Connection,
  records: readonly BenchRecord[],
): Promise<UpsertReport> {
  const api = records.length > BULK_THRESHOLD ? 'bulk' : 'collections';
  try {
    if (api === 'collections') {
      const results = await conn
        .sobject(SOBJECT)
        .upsert(records as JsforceRecord[], EXTERNAL_ID_FIELD, { allowRecursive: true });
      const failedIds = results.flatMap((result, index) => {
        const record = records[index];
        return result.success || !record ? [] : [externalIdOf(record)];
      });
      return { api, failedIds };
    }
    const results = await conn.bulk2.loadAndWaitForResults({
      object: SOBJECT,
      operation: 'upsert',
      externalIdFieldName: EXTERNAL_ID_FIELD,
      input: records as JsforceRecord[],
    });
    const unprocessed = Array.isArray(results.unprocessedRecords) ? results.unprocessedRecords : [];
    const rows = [...results.failedResults, ...unprocessed] as BenchRecord[];
    return { api, failedIds: rows.map(externalIdOf) };
  } catch (error) {
    return threwReport(api, records, error);
  }
}
