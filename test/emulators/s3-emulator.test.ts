// The S3 emulator speaks S3's REST protocol to the real @aws-sdk/client-s3 (path-style): buckets,
// PutObject, GetObject with metadata, and ListObjectsV2 paging with continuation tokens.
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Emulator } from '../../emulators/s3/s3-emulator.js';

let s3: S3Emulator;
let client: S3Client;

beforeAll(async () => {
  s3 = await S3Emulator.start();
  // Any credentials are accepted, as by the other emulators.
  client = new S3Client({
    endpoint: s3.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDANYTHING', secretAccessKey: 'whatever' },
  });
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('S3Emulator', () => {
  it('stores and serves objects with their metadata through the SDK', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'emulated' }));
    await client.send(
      new PutObjectCommand({
        Bucket: 'emulated',
        Key: 'dir/a b.ndjson',
        Body: '{"a":1}\n',
        ContentType: 'application/x-ndjson',
      }),
    );
    const object = await client.send(new GetObjectCommand({ Bucket: 'emulated', Key: 'dir/a b.ndjson' }));
    expect(object.ContentType).toBe('application/x-ndjson');
    expect(await object.Body?.transformToString()).toBe('{"a":1}\n');
    expect(s3.calls).toMatchObject({ CreateBucket: 1, PutObject: 1, GetObject: 1 });
  });

  it('pages ListObjectsV2 with continuation tokens, in key order', async () => {
    await s3.createBucket('paged');
    const keys = Array.from({ length: 11 }, (_, i) => `p/${String(i).padStart(2, '0')}.json`);
    await Promise.all(keys.map((key) => s3.putObject('paged', key, '[]')));
    const listed: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: 'paged', Prefix: 'p/', MaxKeys: 4, ContinuationToken: token }),
      );
      pages += 1;
      listed.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(listed).toEqual(keys);
    expect(pages).toBe(3);
  });

  it('answers S3 errors the SDK maps to their names', async () => {
    const error = await client
      .send(new GetObjectCommand({ Bucket: 'emulated', Key: 'missing' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).name).toBe('NoSuchKey');
    const noBucket = await client
      .send(new ListObjectsV2Command({ Bucket: 'missing-bucket' }))
      .catch((e: unknown) => e);
    expect((noBucket as S3ServiceException).name).toBe('NoSuchBucket');
  });

  it('putObject stores a stream as it is read', async () => {
    await s3.createBucket('streamed');
    function* parts() {
      for (let i = 0; i < 100; i += 1) yield Buffer.from(`{"i":${i}}\n`);
    }
    await s3.putObject('streamed', 'big.ndjson', Readable.from(parts()), {
      contentType: 'application/x-ndjson',
    });
    const object = await client.send(new GetObjectCommand({ Bucket: 'streamed', Key: 'big.ndjson' }));
    expect((await object.Body?.transformToString())?.split('\n')).toHaveLength(101);
  });
});
