// Property-based tests of the streaming parsers (lib/sync/source/ndjson.ts, json-array.ts, csv.ts):
// however the bytes are cut into chunks (inside a multi-byte character, a string, an escape, a
// number, a CSV quote), the entries are the same, and equal to what the source holds.
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvBatches } from '../../lib/sync/source/csv.js';
import { jsonArrayBatches } from '../../lib/sync/source/json-array.js';
import { ndjsonBatches } from '../../lib/sync/source/ndjson.js';
import type { SourceEntry } from '../../lib/sync/source/types.js';
import { numRuns } from './runs.js';

const limits = { maxRecordBytes: 1024 ** 2, maxDepth: 32, label: 'https://example.com/source' };

/** `bytes` cut at the given positions (sorted, deduplicated), as a stream of chunks. */
function chunked(bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
  return Readable.from(pieces(bytes, cuts), { objectMode: true }) as AsyncIterable<Uint8Array>;
}

function* pieces(bytes: Uint8Array, cuts: number[]): Generator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

/** A reader's batches, one after another. */
async function entries(batches: AsyncIterable<SourceEntry[]>): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

/** Text with what breaks naive chunking: 2-, 3- and 4-byte characters, escapes, quotes, commas. */
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('é', '✓', '𝄞', '"', '\\', ',', '\n', '\r', '{', ']', ' ', '\u2028'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});
const scalar = fc.oneof(
  text,
  fc.integer(),
  // JSON has no -0: it reads back as 0.
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (d === 0 ? 0 : d)),
  fc.boolean(),
  fc.constant(null),
);
const record = fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/), scalar, { maxKeys: 6 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const encode = (s: string) => new TextEncoder().encode(s);

describe('streaming parsers, whatever the chunking', () => {
  it('NDJSON: each line is its record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        cuts,
        async (records, eol, at) => {
          const bytes = encode(records.map((r) => JSON.stringify(r)).join(eol));
          const got = await entries(ndjsonBatches(chunked(bytes, at), limits));
          expect(got).toEqual(records.map((value, i) => ({ ref: `line ${i + 1}`, value })));
        },
      ),
      { numRuns: numRuns(300) },
    );
  });

  it('JSON array, pretty-printed or on one line: element i is record i', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(record, scalar), { maxLength: 12 }),
        fc.boolean(),
        cuts,
        async (values, pretty, at) => {
          const bytes = encode(JSON.stringify(values, null, pretty ? 2 : undefined));
          const got = await entries(jsonArrayBatches(chunked(bytes, at), limits));
          expect(got).toEqual(values.map((value, i) => ({ ref: `#${i}`, value })));
        },
      ),
      { numRuns: numRuns(300) },
    );
  });

  it('CSV: row N is record N-1, empty cells left out', async () => {
    const columns = ['Ext_Id__c', 'Name', 'Description'];
    const row = fc.tuple(text, text, text);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), cuts, async (rows, at) => {
        // Whitespace-only rows would be blank lines, which the reader skips: keep rows non-blank.
        const kept = rows.filter((r) => r.join('').trim() !== '');
        const bytes = encode(stringify([columns, ...kept]));
        const got = await entries(csvBatches(chunked(bytes, at), limits));
        expect(got).toEqual(
          kept.map((cells, i) => ({
            ref: `row ${i + 2}`,
            value: Object.fromEntries(columns.flatMap((c, j) => (cells[j] ? [[c, cells[j]]] : []))),
          })),
        );
      }),
      { numRuns: numRuns(300) },
    );
  });
});
