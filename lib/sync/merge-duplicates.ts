import type { MergedItem, SyncItem } from '../record-outcome.js';

/**
 * Folds items that share an external ID value into one record, later fields winning, and returns
 * them in rounds to be written one after another.
 *
 * Salesforce refuses every row of a request whose external ID repeats ("Duplicate external id
 * specified"), and applying the changes one after the other is the same as applying the merged
 * record, because an upsert leaves absent fields unchanged. Only identical values are folded:
 * whether "MiX1" and "mix1" are one record is the field's business (matching ignores case only
 * on a Unique field marked case-insensitive,
 * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_dml_examples_upsert.htm),
 * so a value that differs from the previous one only in case starts the next round. Written in
 * order, each round after the one before has finished, Salesforce's own matching decides, and
 * when they are one record the later change still wins. Nearly every input is one round.
 * First-seen order is kept within a round.
 */
export function mergeByExternalId(items: readonly SyncItem[], externalIdField: string): MergedItem[][] {
  const rounds: MergedItem[][] = [];
  // Per value ignoring case, the merged item of the spelling seen last (its record holds that
  // spelling); and the round of each item past the first, which nearly none is: no entry per record.
  const latest = new Map<string, MergedItem>();
  const later = new Map<MergedItem, number>();
  for (const { ref, record } of items) {
    const value = String(record[externalIdField]);
    const externalId = value.toLowerCase();
    const seen = latest.get(externalId);
    if (seen && String(seen.record[externalIdField]) === value) {
      seen.refs.push(ref);
      seen.record = { ...seen.record, ...record };
      continue;
    }
    const item: MergedItem = { externalId, refs: [ref], record };
    const round = seen ? (later.get(seen) ?? 0) + 1 : 0;
    if (round) later.set(item, round);
    (rounds[round] ??= []).push(item);
    latest.set(externalId, item);
  }
  return rounds;
}
