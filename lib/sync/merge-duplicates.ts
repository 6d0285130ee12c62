import type { MergedItem, SyncItem } from '../record-outcome.js';

/**
 * Folds items that share an external ID value into one record, later fields winning.
 * Salesforce refuses every row of a request whose external ID repeats ("Duplicate external id
 * specified"), and applying the changes one after the other is the same as applying the merged
 * record, because an upsert leaves absent fields unchanged. First-seen order is kept.
 */
export function mergeByExternalId(items: readonly SyncItem[], externalIdField: string): MergedItem[] {
  const byId = new Map<string, MergedItem>();
  for (const item of items) {
    // Salesforce matches text external IDs ignoring case: "abc" and "ABC" are one record.
    const externalId = String(item.record[externalIdField]).toLowerCase();
    const existing = byId.get(externalId);
    if (existing) {
      existing.refs.push(item.ref);
      existing.record = { ...existing.record, ...item.record };
    } else {
      byId.set(externalId, { externalId, refs: [item.ref], record: item.record });
    }
  }
  return [...byId.values()];
}
