import { recordTooLarge, hasProtoKey, nestsDeeperThan } from './record-limits.js';
import type { RecordLimits, SourceEntry } from './types.js';

const NEWLINE = 0x0a;
// BOMs are handled per line below, as a line of its own decoding would: none is dropped silently.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BOM = 0xfeff;

/**
 * NDJSON (one JSON value per line, `\n` or `\r\n`): one entry per non-blank line, `line N`
 * counting every line from 1, in batches of the lines that end in one chunk (a few hundred: one
 * step of the async iteration for all of them, not one each). A line that is not JSON, not UTF-8,
 * nests too deep or holds a `__proto__` key is an entry with its error, and the next line is
 * read; a line over the record limit stops the read, after the batch of the lines before it.
 * Holds one chunk (and one partial line) at a time.
 */
export async function* ndjsonBatches(
  bytes: AsyncIterable<Uint8Array>,
  limits: RecordLimits & { label: string },
): AsyncGenerator<SourceEntry[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  /** Keeps the start of a line that ends in a later chunk, within the record limit. */
  const keep = (part: Buffer) => {
    // A copy: the chunk's memory may be reused by the stream that lent it.
    pending.push(Buffer.from(part));
    pendingBytes += part.length;
    if (pendingBytes > limits.maxRecordBytes) {
      throw recordTooLarge(limits.label, `line ${line + 1}`, limits.maxRecordBytes);
    }
  };
  for await (const chunk of bytes) {
    const batch: SourceEntry[] = [];
    try {
      const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      if (pendingBytes > 0) {
        // The line begun in earlier chunks: joined alone, so that the rest of this one is not copied.
        const end = buffer.indexOf(NEWLINE);
        if (end === -1) {
          keep(buffer);
          continue;
        }
        const joined = Buffer.concat([...pending, buffer.subarray(0, end)], pendingBytes + end);
        pending = [];
        pendingBytes = 0;
        line += 1;
        linesOf(joined, line, limits, batch);
        start = end + 1;
      }
      const last = buffer.lastIndexOf(NEWLINE);
      if (last >= start) {
        // Every other line that ends in this chunk, decoded at once: one call instead of one per
        // line (a newline byte never occurs inside a UTF-8 sequence, so the cut is between
        // characters). A view of the chunk will do: it is decoded before the next chunk is read.
        const lines = buffer.subarray(start, last);
        linesOf(lines, line + 1, limits, batch);
        line += count(lines, NEWLINE) + 1;
        start = last + 1;
      }
      if (start < buffer.length) keep(buffer.subarray(start));
    } catch (error) {
      // The lines before the one that stopped the read are still read.
      if (batch.length > 0) yield batch;
      throw error;
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingBytes > 0) {
    const entry = parseLine(Buffer.concat(pending, pendingBytes), `line ${line + 1}`, limits.maxDepth);
    if (entry) yield [entry];
  }
}

/**
 * Adds to `batch` the entries of whole lines (without their last newline), the first being line
 * `first`. Decoded in one piece; when that fails (some line is not UTF-8) each line is decoded
 * alone, so that only the bad lines fail.
 */
function linesOf(
  bytes: Buffer,
  first: number,
  limits: RecordLimits & { label: string },
  batch: SourceEntry[],
): void {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    let line = first;
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); ; end = bytes.indexOf(NEWLINE, start)) {
      const stop = end === -1 ? bytes.length : end;
      if (stop - start > limits.maxRecordBytes)
        throw recordTooLarge(limits.label, `line ${line}`, limits.maxRecordBytes);
      const entry = parseLine(bytes.subarray(start, stop), `line ${line}`, limits.maxDepth);
      if (entry) batch.push(entry);
      if (end === -1) return;
      start = end + 1;
      line += 1;
    }
  }
  let line = first;
  let start = 0;
  for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
    const stop = end === -1 ? text.length : end;
    // A character takes at most 3 bytes in UTF-8 (4 for a surrogate pair's 2): counted only when it may matter.
    if (
      (stop - start) * 3 > limits.maxRecordBytes &&
      Buffer.byteLength(text.slice(start, stop)) > limits.maxRecordBytes
    ) {
      throw recordTooLarge(limits.label, `line ${line}`, limits.maxRecordBytes);
    }
    const entry = parseText(text.slice(start, stop), `line ${line}`, limits.maxDepth);
    if (entry) batch.push(entry);
    if (end === -1) return;
    start = end + 1;
    line += 1;
  }
}

function count(bytes: Buffer, byte: number): number {
  let n = 0;
  for (let at = bytes.indexOf(byte); at !== -1; at = bytes.indexOf(byte, at + 1)) n += 1;
  return n;
}

function parseLine(bytes: Buffer, ref: string, maxDepth: number): SourceEntry | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ref, code: 'INVALID_JSON', error: 'is not valid UTF-8' };
  }
  return parseText(text, ref, maxDepth);
}

function parseText(line: string, ref: string, maxDepth: number): SourceEntry | undefined {
  const text = line.charCodeAt(0) === BOM ? line.slice(1) : line;
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
  return mayHoldProtoKey(text) && hasProtoKey(value)
    ? { ref, code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' }
    : { ref, value };
}

/**
 * Whether JSON text can hold a `__proto__` key: only if it spells it, or escapes a character
 * (`"\u005f_proto__"` is the same key). Most lines do neither and skip the walk of their value.
 */
function mayHoldProtoKey(text: string): boolean {
  return text.includes('__proto__') || text.includes('\\u');
}
