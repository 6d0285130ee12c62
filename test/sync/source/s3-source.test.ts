// readSource on s3:// locations, with the real @aws-sdk/client-s3 against the S3 emulator (s3rver,
// a real S3-protocol server on 127.0.0.1, path-style): one object, every object under a prefix
// in key order across listing pages, gzip by name or by the object's Content-Encoding.
import { S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Emulator } from '../../../emulators/s3/s3-emulator.js';
import { SourceReadError } from '../../../lib/errors.js';
import { readSource } from '../../../lib/sync/source-reader.js';
import { collect, readError } from './collect.js';

let s3: S3Emulator;
let client: S3Client;
const BUCKET = 'sync-sources';
const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ Ext_Id__c: `K-${from + i}` })).join('\n');

beforeAll(async () => {
  s3 = await S3Emulator.start();
  client = new S3Client({ endpoint: s3.url, forcePathStyle: true });
  await s3.createBucket(BUCKET);
  await Promise.all([
    s3.putObject(BUCKET, 'one/accounts.ndjson', lines(0, 3), { contentType: 'application/x-ndjson' }),
    s3.putObject(BUCKET, 'one/accounts.csv.gz', gzipSync('Ext_Id__c,Name\nC-1,Acme\n')),
    s3.putObject(BUCKET, 'one/encoded', gzipSync('[{"Ext_Id__c":"E-1"}]'), {
      contentType: 'application/json',
      contentEncoding: 'gzip',
    }),
    s3.putObject(BUCKET, 'one/untyped', lines(0, 1)),
    // Seven parts, put out of order: the listing returns them in key order.
    ...[4, 1, 6, 0, 3, 5, 2].map((i) =>
      s3.putObject(BUCKET, `daily/part-${i}.ndjson.gz`, gzipSync(lines(i * 10, 2)), {
        contentEncoding: 'gzip',
      }),
    ),
    // A console "folder" marker: an empty object whose key ends in '/'.
    s3.putObject(BUCKET, 'daily/', ''),
    s3.putObject(BUCKET, 'mixed/a.json', '[{"Ext_Id__c":"M-1"},{"__proto__":{}}]'),
    s3.putObject(BUCKET, 'mixed/b.csv', 'Ext_Id__c\nM-2\n'),
  ]);
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('s3://bucket/key', () => {
  it('reads one object as a stream, by its extension or Content-Type', async () => {
    expect(await collect(`s3://${BUCKET}/one/accounts.ndjson`, { s3: client })).toEqual([
      { ref: 'line 1', value: { Ext_Id__c: 'K-0' } },
      { ref: 'line 2', value: { Ext_Id__c: 'K-1' } },
      { ref: 'line 3', value: { Ext_Id__c: 'K-2' } },
    ]);
  });

  it('gzip by a .gz key, or by the object Content-Encoding', async () => {
    expect(await collect(`s3://${BUCKET}/one/accounts.csv.gz`, { s3: client })).toEqual([
      { ref: 'row 2', value: { Ext_Id__c: 'C-1', Name: 'Acme' } },
    ]);
    expect(await collect(`s3://${BUCKET}/one/encoded`, { s3: client })).toEqual([
      { ref: '#0', value: { Ext_Id__c: 'E-1' } },
    ]);
  });

  it('an object of no known format needs SYNC_SOURCE_FORMAT', async () => {
    expect((await readError(`s3://${BUCKET}/one/untyped`, { s3: client })).message).toMatch(
      /has no known format/,
    );
    expect(await collect(`s3://${BUCKET}/one/untyped`, { s3: client, format: 'ndjson' })).toHaveLength(1);
  });

  it('a missing object or bucket is a SourceReadError keeping only the AWS error name', async () => {
    const missing = await readError(`s3://${BUCKET}/one/missing.ndjson`, { s3: client });
    expect(missing).toBeInstanceOf(SourceReadError);
    expect(missing.message).toBe(
      `Sync source s3://${BUCKET}/one/missing.ndjson could not be read: NoSuchKey`,
    );
    expect(missing.cause).toEqual({ name: 'NoSuchKey' });
    const noBucket = await readError('s3://no-such-bucket/a.ndjson', { s3: client });
    expect(noBucket.message).toMatch(/could not be read: NoSuchBucket$/);
  });
});

describe('s3://bucket/prefix/', () => {
  it('reads every object under the prefix in key order, one listing page at a time, refs naming the key', async () => {
    const listed = s3.calls.ListObjectsV2 ?? 0;
    const entries = await collect(`s3://${BUCKET}/daily/`, { s3: client, listPageSize: 3 });
    expect(entries.map((e) => e.ref)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].flatMap((i) => [
        `daily/part-${i}.ndjson.gz line 1`,
        `daily/part-${i}.ndjson.gz line 2`,
      ]),
    );
    expect(
      entries.map((e) => ('value' in e ? (e.value as { Ext_Id__c: string }).Ext_Id__c : e.error)),
    ).toEqual([0, 1, 2, 3, 4, 5, 6].flatMap((i) => [`K-${i * 10}`, `K-${i * 10 + 1}`]));
    // 8 keys (the folder marker included) in pages of 3.
    expect((s3.calls.ListObjectsV2 ?? 0) - listed).toBe(3);
  });

  it('each object in its own format; a bad record fails alone', async () => {
    expect(await collect(`s3://${BUCKET}/mixed/`, { s3: client })).toEqual([
      { ref: 'mixed/a.json #0', value: { Ext_Id__c: 'M-1' } },
      { ref: 'mixed/a.json #1', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
      { ref: 'mixed/b.csv row 2', value: { Ext_Id__c: 'M-2' } },
    ]);
  });

  it('stops between objects when a consumer stops reading: the next object is never fetched', async () => {
    const fetched = s3.calls.GetObject ?? 0;
    for await (const entry of readSource(`s3://${BUCKET}/daily/`, { s3: client })) {
      expect(entry.ref).toBe('daily/part-0.ndjson.gz line 1');
      break;
    }
    expect((s3.calls.GetObject ?? 0) - fetched).toBe(1);
  });

  it('the byte limit counts every object of the prefix together', async () => {
    const error = await readError(`s3://${BUCKET}/daily/`, { s3: client, maxSourceBytes: 100 });
    expect(error).toMatchObject({ limit: 'source-bytes' });
    expect(error.message).toMatch(/^Sync source s3:\/\/sync-sources\/daily\/part-\d\.ndjson\.gz exceeds/);
  });

  it('a prefix with no objects is a SourceReadError', async () => {
    const error = await readError(`s3://${BUCKET}/nothing-here/`, { s3: client });
    expect(error.message).toBe(`Sync source s3://${BUCKET}/nothing-here/ has no objects under its prefix`);
  });
});
