import { recordTooLarge, hasProtoKey, nestsDeeperThan } from './record-limits.js';
import type { RecordLimits, SourceEntry } from './types.js';

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * NDJSON (one JSON value per line, `\n` or `\r\n`): one entry per non-blank line, `line N`
 * counting every line from 1. A line that is not JSON, not UTF-8, nests too deep or holds a
 * `__proto__` key is an entry with its error, and the next line is read; a line over the record
 * limit stops the read. Holds one line at a time.
 */
export async function* ndjsonEntries(
  bytes: AsyncIterable<Uint8Array>,
  limits: RecordLimits & { label: string },
): AsyncGenerator<SourceEntry> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  for await (const chunk of bytes) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      line += 1;
      // Parsed before the next chunk is read: a view of this one will do, unless the line began earlier.
      const text =
        pendingBytes === 0
          ? buffer.subarray(start, end)
          : Buffer.concat([...pending, buffer.subarray(start, end)], pendingBytes + end - start);
      if (text.length > limits.maxRecordBytes)
        throw recordTooLarge(limits.label, `line ${line}`, limits.maxRecordBytes);
      pending = [];
      pendingBytes = 0;
      start = end + 1;
      if (isBlank(text)) continue;
      const entry = parseLine(text, `line ${line}`, limits.maxDepth);
      if (entry) yield entry;
    }
    if (start < buffer.length) {
      // A copy: the chunk's memory may be reused by the stream that lent it.
      pending.push(Buffer.from(buffer.subarray(start)));
      pendingBytes += buffer.length - start;
      if (pendingBytes > limits.maxRecordBytes) {
        throw recordTooLarge(limits.label, `line ${line + 1}`, limits.maxRecordBytes);
      }
    }
  }
  if (pendingBytes > 0) {
    const entry = parseLine(Buffer.concat(pending, pendingBytes), `line ${line + 1}`, limits.maxDepth);
    if (entry) yield entry;
  }
}

/** Only spaces, tabs and carriage returns (checked on bytes: blank lines cost no decoding). */
function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function parseLine(bytes: Buffer, ref: string, maxDepth: number): SourceEntry | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ref, code: 'INVALID_JSON', error: 'is not valid UTF-8' };
  }
  if (text.trim() === '') return undefined;
  if (nestsDeeperThan(text, maxDepth))
    return { ref, code: 'INVALID_JSON', error: `nests deeper than ${maxDepth} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // SyntaxError's message quotes the line: never passed on.
    return { ref, code: 'INVALID_JSON', error: 'is not valid JSON' };
  }
  return hasProtoKey(value)
    ? { ref, code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' }
    : { ref, value };
}
