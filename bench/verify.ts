// What actually reached the org, compared with what was sent and what the client reported.
import { sampleAccountStream } from '../emulators/local-stack/sample-source.js';
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { externalIdOf } from './shared/upsert-report.js';

const CHECKED_FIELDS = ['Name', 'Description', 'AnnualRevenue', 'Active__c'] as const;

export interface WriteCheck {
  sent: number;
  /** Distinct sent records found in the org. */
  written: number;
  /** Records in the org in all (more than `written` would mean duplicates or strays). */
  stored: number;
  reportedFailed: number;
  /** Neither written nor reported failed: silently lost. */
  lost: number;
  /** Written, yet reported failed (harmless for idempotent upserts, but a retry repeats work). */
  writtenButReportedFailed: number;
  /** Written records whose checked fields differ from what was sent (CSV/JSON round trip). */
  fieldMismatches: number;
  firstMismatch?: string;
}

/**
 * Compares the org with the `count` generated records. `failed` is what the client reported:
 * the external IDs it listed as not written, or only how many (a function that returns counts);
 * with a bare count, "lost" assumes no record was both written and reported failed. The expected
 * records are generated one at a time, so a million-record check holds only the org's records.
 */
export function checkWrites(
  stack: LocalStack,
  count: number,
  failed: readonly string[] | number,
): WriteCheck {
  const stored = stack.salesforce.records('Account');
  const storedById = new Map(stored.map((record) => [externalIdOf(record), record]));
  const failedIds = typeof failed === 'number' ? undefined : new Set(failed);
  let written = 0;
  let fieldMismatches = 0;
  let firstMismatch: string | undefined;
  let lost = 0;
  let writtenButReportedFailed = 0;
  for (const sent of sampleAccountStream(count)) {
    const id = externalIdOf(sent);
    const record = storedById.get(id);
    if (record) {
      written += 1;
      if (failedIds?.has(id)) writtenButReportedFailed += 1;
      for (const field of CHECKED_FIELDS) {
        if (record[field] !== sent[field]) {
          fieldMismatches += 1;
          firstMismatch ??= `${id}.${field}: sent ${JSON.stringify(sent[field])}, stored ${JSON.stringify(record[field])}`;
          break;
        }
      }
    } else if (failedIds && !failedIds.has(id)) lost += 1;
  }
  const reportedFailed = failedIds ? failedIds.size : (failed as number);
  if (!failedIds) lost = Math.max(0, count - written - reportedFailed);
  return {
    sent: count,
    written,
    stored: stored.length,
    reportedFailed,
    lost,
    writtenButReportedFailed,
    fieldMismatches,
    ...(firstMismatch === undefined ? {} : { firstMismatch }),
  };
}
