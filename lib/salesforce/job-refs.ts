/**
 * External ID (as sent) -> the ref of the record sent under it, or the refs when merged records
 * share it: how a Bulk job's result rows find their records. A single ref is kept as a string,
 * not a one-element array (56 bytes less a record: at 100,000 records a job, and two jobs held at
 * once, the writer's largest memory cost).
 */
export type RefsByExternalId = Map<string, string | readonly string[]>;

/** The refs of one entry, as a list. */
export function refList(refs: string | readonly string[] | undefined): readonly string[] {
  if (refs === undefined) return [];
  return typeof refs === 'string' ? [refs] : refs;
}

/**
 * The records of one Bulk job, by external ID, and which IDs it holds ignoring case (Salesforce
 * matches text external IDs ignoring case, so a job must not hold "abc" and "ABC"). An ID that is
 * already lower-case (numbers, most UUIDs) is its own key; only IDs that change when lower-cased
 * keep their lower-case form too.
 */
export class JobRefs {
  readonly refs: RefsByExternalId = new Map();
  readonly #folded = new Set<string>();

  /** Whether an ID equal to this one ignoring case is in the job. */
  has(externalId: string): boolean {
    const lower = externalId.toLowerCase();
    return this.refs.has(lower) || this.#folded.has(lower);
  }

  /** Adds a record (or merged records) under its external ID; call only when `has` is false. */
  add(externalId: string, refs: string | readonly string[]): void {
    const lower = externalId.toLowerCase();
    // toLowerCase returns an equal string when nothing changes: only a cased ID costs a second key.
    if (lower !== externalId) this.#folded.add(lower);
    this.refs.set(externalId, refs);
  }

  /** The case index is only needed while records are added; results are found by `refs`. */
  seal(): RefsByExternalId {
    this.#folded.clear();
    return this.refs;
  }
}
