// A scheduled sync written with jsforce: read SYNC_SOURCE_URL (NDJSON), upsert into Account by
// Ext_Id__c, return a summary.
import { readNdjson } from '../shared/ndjson-source.js';
import { createJsforceContext } from './connection.js';
import { upsertWithJsforce } from './upsert.js';

const context = createJsforceContext();

export async function handler(): Promise<{ read: number; failed: number; api: string }> {
  const records = await readNdjson(process.env.SYNC_SOURCE_URL ?? '');
  const report = await upsertWithJsforce(await context.getConnection(), records);
  return { read: records.length, failed: report.failedIds.length, api: report.api };
}
