// The scheduled sync's sources: generated Account records as gzipped NDJSON objects in the S3
// emulator (which runs in this process), produced while they are stored, never whole in memory.
import { gzippedNdjson, sampleAccountStream } from '../emulators/local-stack/sample-source.js';
import type { S3Emulator } from '../emulators/s3/s3-emulator.js';

export const SOURCE_BUCKET = 'bench-source';
export const REPORT_BUCKET = 'bench-reports';

/** One stored source, as each function reads it. */
export interface SyncSource {
  count: number;
  /** For ours: `SYNC_SOURCE_URL=s3://…` (GetObject through `@aws-sdk/client-s3`). */
  s3Url: string;
  /**
   * For the baseline, which reads its source with `fetch`: the same object over plain HTTP
   * (path-style, unsigned; the emulator serves it with `Content-Encoding: gzip`, which `fetch`
   * decodes).
   */
  httpUrl: string;
  gzipBytes: number;
  seedMs: number;
}

/** Stores `count` generated records (the bench's `sampleAccounts(count)`) as one gzipped NDJSON object. */
export async function seedSyncSource(s3: S3Emulator, count: number): Promise<SyncSource> {
  const started = performance.now();
  await s3.createBucket(SOURCE_BUCKET);
  await s3.createBucket(REPORT_BUCKET);
  const key = `exports/accounts-${String(count)}.ndjson.gz`;
  let gzipBytes = 0;
  const gzipped = gzippedNdjson(sampleAccountStream(count));
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of gzipped as AsyncIterable<Buffer>) {
      gzipBytes += chunk.byteLength;
      yield chunk;
    }
  }
  await s3.putObject(SOURCE_BUCKET, key, counted(), {
    contentType: 'application/x-ndjson',
    contentEncoding: 'gzip',
  });
  return {
    count,
    s3Url: `s3://${SOURCE_BUCKET}/${key}`,
    httpUrl: `${s3.url}/${SOURCE_BUCKET}/${key}`,
    gzipBytes,
    seedMs: performance.now() - started,
  };
}

/** Reads an object of the S3 emulator over plain HTTP (`s3://bucket/key`). */
export async function readObject(s3: S3Emulator, url: string): Promise<string> {
  const { bucket, key } = /^s3:\/\/(?<bucket>[^/]+)\/(?<key>.+)$/.exec(url)?.groups ?? {};
  if (!bucket || !key) throw new Error(`not an s3:// object URL: ${url}`);
  const response = await fetch(`${s3.url}/${bucket}/${key}`);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${String(response.status)}`);
  return response.text();
}
