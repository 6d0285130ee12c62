// Salesforce record IDs: 15 case-sensitive characters, or 18 with a case-insensitive checksum
// suffix. The identity URL in a token response uses the 18-character form (§1.3).

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Appends the checksum: one character per 5-character chunk, a bit per upper-case letter. */
export function toId18(id15: string): string {
  if (id15.length !== 15) throw new Error(`expected a 15-character ID, got ${id15}`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

/** Sequential 15-character IDs with a key prefix, e.g. `005` for users. */
export class IdSequence {
  #next = 1;

  constructor(private readonly keyPrefix: string) {}

  next(): string {
    const id15 = this.keyPrefix + String(this.#next++).padStart(15 - this.keyPrefix.length, '0');
    return toId18(id15);
  }
}

/**
 * The canonical 18-character form of a record ID given in either form, or undefined when it is not
 * a well-formed ID. The 18-character suffix is case-insensitive; the 15-character body is not.
 */
export function parseRecordId(text: string): string | undefined {
  if (!/^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/.test(text)) return undefined;
  const id18 = toId18(text.slice(0, 15));
  if (text.length === 18 && text.slice(15).toUpperCase() !== id18.slice(15)) return undefined;
  return id18;
}
