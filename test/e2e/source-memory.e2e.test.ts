// Memory stays flat while a large gzipped source is read: the reader runs in its own process with
// a 64 MB heap against the S3 emulator (in this process), reading a source that decompresses to
// far more than that heap, and a small one; the two peak RSS figures are printed side by side. A
// check of memory, not of time: nothing here measures how long anything takes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzippedNdjson, sampleAccountStream } from '../../emulators/local-stack/sample-source.js';
import { S3Emulator } from '../../emulators/s3/s3-emulator.js';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const LARGE = 600_000;
const SMALL = 10_000;
let s3: S3Emulator;

beforeAll(async () => {
  s3 = await S3Emulator.start();
  await s3.createBucket('memory');
  await s3.putObject('memory', 'large.ndjson.gz', gzippedNdjson(sampleAccountStream(LARGE)));
  await s3.putObject('memory', 'small.ndjson.gz', gzippedNdjson(sampleAccountStream(SMALL)));
  await s3.putObject('memory', 'large.json.gz', gzippedJsonArray(LARGE));
}, 120_000);

afterAll(async () => {
  await s3.close();
});

/** `count` sample records as one JSON array, gzipped, produced as it is read. */
function gzippedJsonArray(count: number): Readable {
  return Readable.from(
    (function* () {
      const records = [...Array.from({ length: count / 1_000 }, (_, batch) => batch)];
      const all = sampleAccountStream(count);
      yield '[\n';
      for (const batch of records) {
        const part = Array.from({ length: 1_000 }, () => JSON.stringify(all.next().value));
        yield `${batch === 0 ? '' : ',\n'}${part.join(',\n')}`;
      }
      yield '\n]';
    })(),
  ).pipe(createGzip());
}

async function readInChild(key: string): Promise<{ entries: number; failed: number; peakRssMb: number }> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--max-old-space-size=64',
      '--import',
      'tsx',
      join(import.meta.dirname, 'read-source-child.ts'),
      `s3://memory/${key}`,
      s3.url,
    ],
    { cwd: ROOT, timeout: 110_000 },
  );
  recordOutput(stderr);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    entries: number;
    failed: number;
    peakRssMb: number;
  };
}

describe('reading a large gzipped source', () => {
  it(
    'keeps memory flat: 600,000 records (about 60 MB of NDJSON) read with a 64 MB heap',
    { timeout: 120_000 },
    async () => {
      const small = await readInChild('small.ndjson.gz');
      const large = await readInChild('large.ndjson.gz');
      console.info(
        `peak RSS reading ${SMALL.toLocaleString('en')} records: ${small.peakRssMb} MB; ${LARGE.toLocaleString('en')} records: ${large.peakRssMb} MB`,
      );
      expect(small).toMatchObject({ entries: SMALL, failed: 0 });
      expect(large).toMatchObject({ entries: LARGE, failed: 0 });
      // 60 times the records, not 60 times the memory. The hard check is the 64 MB heap (a reader
      // holding the source would die of it); RSS also holds native buffers and whatever garbage
      // the collector has not returned yet, so this bound is loose: below the 66 MB of the
      // source's text alone, let alone its parsed records.
      expect(large.peakRssMb - small.peakRssMb).toBeLessThan(50);
    },
  );

  it('a JSON array is streamed too: 600,000 elements with a 64 MB heap', { timeout: 120_000 }, async () => {
    const array = await readInChild('large.json.gz');
    console.info(
      `peak RSS reading a JSON array of ${LARGE.toLocaleString('en')} records: ${array.peakRssMb} MB`,
    );
    expect(array).toMatchObject({ entries: LARGE, failed: 0 });
  });
});
