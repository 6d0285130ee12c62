import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { S3Emulator } from '../s3/s3-emulator.js';

/** Records of the sample source that Salesforce will refuse, and why: the demo shows them failing. */
export const SAMPLE_BAD_RECORDS: Readonly<Record<number, Record<string, unknown>>> = {
  3: { Email__c: 'not-an-email' },
  7: { Name: null },
};

/**
 * Generated Account records with CSV-hostile values (commas, quotes, newlines), as a
 * scheduled-sync source would serve them; with `withBadRecords`, records 3 and 7 are invalid.
 */
export function sampleAccounts(count: number, withBadRecords = false): Record<string, unknown>[] {
  return [...sampleAccountStream(count, withBadRecords)];
}

/** The bucket and key the local stack seeds its sample source under. */
export const SAMPLE_SOURCE_BUCKET = 'sf-lambda-bridge-local-source';
export const SAMPLE_SOURCE_KEY = 'exports/accounts.ndjson.gz';

/**
 * Generated records as gzipped NDJSON, produced as the stream is read: a large source is never
 * whole in memory, here or in the emulator that stores it.
 */
export function gzippedNdjson(records: Iterable<Record<string, unknown>>): Readable {
  return Readable.from(
    (function* () {
      // A chunk per 1,000 lines: a chunk per line costs more than the JSON.
      let lines: string[] = [];
      for (const record of records) {
        lines.push(`${JSON.stringify(record)}\n`);
        if (lines.length === 1_000) {
          yield lines.join('');
          lines = [];
        }
      }
      yield lines.join('');
    })(),
  ).pipe(createGzip());
}

/** Like {@link sampleAccounts}, one record at a time. */
export function* sampleAccountStream(
  count: number,
  withBadRecords = false,
): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i += 1) {
    yield {
      Ext_Id__c: `SRC-${i}`,
      Name: `Acme, "Unit" ${i}`,
      Description: i % 7 === 0 ? 'multi\nline, "quoted"' : `plain ${i}`,
      AnnualRevenue: i * 100.5,
      Active__c: i % 2 === 0,
      ...(withBadRecords ? SAMPLE_BAD_RECORDS[i] : {}),
    };
  }
}

/**
 * Stores `count` generated Account records in the S3 emulator as gzipped NDJSON
 * (`s3://sf-lambda-bridge-local-source/exports/accounts.ndjson.gz`) and returns that URL.
 */
export async function seedSampleSource(
  s3: S3Emulator,
  count: number,
  withBadRecords = false,
): Promise<string> {
  await s3.createBucket(SAMPLE_SOURCE_BUCKET);
  await s3.putObject(
    SAMPLE_SOURCE_BUCKET,
    SAMPLE_SOURCE_KEY,
    gzippedNdjson(sampleAccountStream(count, withBadRecords)),
    {
      contentType: 'application/x-ndjson',
      contentEncoding: 'gzip',
    },
  );
  return `s3://${SAMPLE_SOURCE_BUCKET}/${SAMPLE_SOURCE_KEY}`;
}
