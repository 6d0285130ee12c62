// What actually reached the org, compared with what was sent and what the client reported.
import { sampleAccounts } from '../emulators/local-stack/sample-source.js';
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

export function checkWrites(stack: LocalStack, count: number, failedIds: readonly string[]): WriteCheck {
  const expected = new Map(sampleAccounts(count).map((record) => [externalIdOf(record), record]));
  const stored = stack.salesforce.records('Account');
  const written = new Set<string>();
  let fieldMismatches = 0;
  let firstMismatch: string | undefined;
  for (const record of stored) {
    const id = externalIdOf(record);
    const sent = expected.get(id);
    if (!sent) continue;
    written.add(id);
    for (const field of CHECKED_FIELDS) {
      if (record[field] !== sent[field]) {
        fieldMismatches += 1;
        firstMismatch ??= `${id}.${field}: sent ${JSON.stringify(sent[field])}, stored ${JSON.stringify(record[field])}`;
        break;
      }
    }
  }
  const failed = new Set(failedIds);
  let lost = 0;
  let writtenButReportedFailed = 0;
  for (const id of expected.keys()) {
    if (!written.has(id) && !failed.has(id)) lost += 1;
    if (written.has(id) && failed.has(id)) writtenButReportedFailed += 1;
  }
  return {
    sent: count,
    written: written.size,
    stored: stored.length,
    reportedFailed: failed.size,
    lost,
    writtenButReportedFailed,
    fieldMismatches,
    ...(firstMismatch === undefined ? {} : { firstMismatch }),
  };
}
