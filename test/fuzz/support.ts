// Shared pieces of the property-based (fast-check) tests: secret markers and the arbitraries
// several files use (the local stack with a real REST client is test/helpers/rest-stack.ts).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';

/** Upper bound on any error or failure message a property accepts. */
export const MAX_MESSAGE_CHARS = 2_000;

/** A fresh secret-looking value; planted in inputs, it must never come back in a message. */
export function newMarker(): string {
  return `SECRET-MARKER-${randomUUID()}`;
}

/**
 * Whether `text` contains any substring of `secret` that is `min` characters long (or longer).
 * Secrets shorter than `min` are never reported: they cannot be told apart from ordinary words.
 */
export function echoes(text: string, secret: string, min = 12): boolean {
  for (let i = 0; i + min <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + min))) return true;
  }
  return false;
}

/** A message is acceptable: a string, bounded, echoing none of the planted secrets. */
export function safeMessage(message: unknown, secrets: readonly string[]): boolean {
  return (
    typeof message === 'string' &&
    message.length < MAX_MESSAGE_CHARS &&
    secrets.every((secret) => !echoes(message, secret))
  );
}

/** Nothing was written onto Object.prototype by a parser fed `__proto__`/`constructor` keys. */
export function prototypeIsClean(): boolean {
  return (
    ({} as Record<string, unknown>).polluted === undefined &&
    !Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')
  );
}

/** Any code point (no lone surrogates): fast-check v4's replacement for fullUnicodeString. */
export const unicodeText = (maxLength = 60) => fc.string({ unit: 'binary', maxLength });

/** Characters that break naive CSV and line-based formats, mixed into unicode text. */
const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '\t', '""', "'", ';') },
  { weight: 1, arbitrary: fc.constantFrom('#N/A', '=1+1', '\u00a0', '\ufeff', '\u2028', 'é', '✓', '😀') },
);

/** Strings full of quotes, commas, CR, LF, CRLF, blanks and unicode. */
export const hostileText = (maxLength = 30) => fc.string({ unit: hostileUnit, maxLength });

/** A Salesforce-valid Account Name: 1..80 code points, not blank once Salesforce reads it. */
export const accountName = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 80 })
  .filter((name) => name.trim() !== '');
