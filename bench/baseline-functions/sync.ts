// The baseline scheduled sync: read SYNC_SOURCE_URL (NDJSON), upsert 200 at a time.
import { readNdjson } from '../shared/ndjson-source.js';
import { createBaselineContext } from './salesforce.js';

const context = createBaselineContext();

export async function handler(): Promise<{ read: number; failed: number }> {
  const records = await readNdjson(process.env.SYNC_SOURCE_URL ?? '');
  const report = await context.upsert(records);
  return { read: records.length, failed: report.failedIds.length };
}
