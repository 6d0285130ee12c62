/**
 * The records of a Bulk job by external ID (as sent): how its result rows find their refs. The
 * part of a `Map<string, string[]>` the result readers use, so that a plain map (refs read back
 * from a saved file, the in-memory Bulk path) will do, and so will a job's compact index
 * ({@link JobRefs}).
 */
export interface RefIndex {
  get(externalId: string): readonly string[] | undefined;
  delete(externalId: string): boolean;
  /** Every external ID with its refs, in the order they were added. */
  [Symbol.iterator](): Iterator<[externalId: string, refs: readonly string[]]>;
  clear(): void;
}

/** A ref stored as the number after the job's common prefix (`line 123` -> 123), or as given. */
type StoredRefs = number | string | readonly string[];

/** Refs as numbers are kept below 2^30, so that V8 stores them unboxed (a small integer). */
const MAX_DIGITS = 9;

/**
 * One Bulk job's index, built as its records are added, in as little memory as a job of
 * 100,000 records allows (two jobs are held at once: one filling, one running). A ref such as
 * `line 123` or `exports/a.ndjson line 7` is kept as the number after a prefix shared by the job
 * (no string per record); any other ref, or a merged record's refs, as given. Which IDs the job
 * holds ignoring case (Salesforce matches text external IDs ignoring case, so a job must not hold
 * both "abc" and "ABC") is known without a second key per ID unless the ID has upper-case letters,
 * and that second key is dropped once the job is sent (`seal`).
 */
export class JobRefs implements RefIndex {
  readonly #refs = new Map<string, StoredRefs>();
  /**
   * Hashes of the lower-cased forms of the IDs that change when lower-cased (an ID that does not
   * is its own lower-cased form, found in `#refs`).
   */
  readonly #folded = new Set<number>();
  #prefix: string | undefined;

  get size(): number {
    return this.#refs.size;
  }

  /** Whether an ID equal to this one ignoring case is in the job. */
  has(externalId: string): boolean {
    if (this.#refs.has(externalId)) return true;
    const lower = externalId.toLowerCase();
    if (this.#refs.has(lower)) return true;
    if (!this.#folded.has(foldHash(lower))) return false;
    // The hash is shared, by a spelling of this ID or (about once in 10,000 records of a full job)
    // by another ID: the keys say which.
    for (const key of this.#refs.keys()) if (key.toLowerCase() === lower) return true;
    return false;
  }

  /** Adds a record (or merged records) under its external ID; only when `has` is false. */
  add(externalId: string, refs: string | readonly string[]): void {
    const lower = externalId.toLowerCase();
    if (lower !== externalId) this.#folded.add(foldHash(lower));
    this.#refs.set(externalId, typeof refs === 'string' ? this.#stored(refs) : refs);
  }

  /** No more records: the case index is dropped; results are found by external ID as sent. */
  seal(): RefIndex {
    this.#folded.clear();
    return this;
  }

  get(externalId: string): readonly string[] | undefined {
    const stored = this.#refs.get(externalId);
    return stored === undefined ? undefined : this.#list(stored);
  }

  delete(externalId: string): boolean {
    return this.#refs.delete(externalId);
  }

  *[Symbol.iterator](): Iterator<[string, readonly string[]]> {
    for (const [externalId, stored] of this.#refs) yield [externalId, this.#list(stored)];
  }

  clear(): void {
    this.#refs.clear();
    this.#folded.clear();
  }

  #stored(ref: string): StoredRefs {
    this.#prefix ??= ref.slice(0, digitsStart(ref));
    const prefix = this.#prefix;
    const digits = ref.length - prefix.length;
    if (digits < 1 || digits > MAX_DIGITS || !ref.startsWith(prefix) || digitsStart(ref) !== prefix.length) {
      return ref;
    }
    // "007" would come back as "7": only digits without a leading zero round-trip.
    if (digits > 1 && ref.charCodeAt(prefix.length) === ZERO) return ref;
    return Number(ref.slice(prefix.length));
  }

  #list(stored: StoredRefs): readonly string[] {
    if (typeof stored === 'number') return [`${this.#prefix ?? ''}${stored}`];
    return typeof stored === 'string' ? [stored] : stored;
  }
}

const ZERO = 0x30;

/** FNV-1a over UTF-16 code units, cut to 30 bits so that V8 keeps it a small integer. */
export function foldHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash & 0x3fffffff;
}

/** Where the run of decimal digits that ends `text` starts (its length when there is none). */
function digitsStart(text: string): number {
  let at = text.length;
  while (at > 0) {
    const c = text.charCodeAt(at - 1);
    if (c < ZERO || c > ZERO + 9) break;
    at -= 1;
  }
  return at;
}
