// An S3 source: one object (GetObject, its body a stream), or every object under a prefix, in
// the key order ListObjectsV2 returns (UTF-8 binary order), one page at a time, each object
// opened only when the one before it has been read.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
import type { S3Client } from '@aws-sdk/client-s3';
import { SourceReadError } from '../../errors.js';
import type { SourceLocation } from '../../source-location.js';
import type { ReadClock } from './limits.js';
import { defaultS3Client, loadS3Sdk, type S3Sdk } from '../s3-client.js';
import type { SourceObject } from './types.js';

export interface S3ReadOptions {
  clock: ReadClock;
  /** The client; default: one per container, configured by the SDK's env vars. */
  s3?: S3Client | undefined;
  /** Keys per ListObjectsV2 page (`MaxKeys`). Default 1000, S3's own maximum. */
  pageSize?: number | undefined;
}

async function clientFor(options: S3ReadOptions): Promise<{ client: S3Client; sdk: S3Sdk }> {
  const sdk = await loadS3Sdk();
  return { client: options.s3 ?? (await defaultS3Client()), sdk };
}

/** The objects of an S3 location, each opened in turn. */
export async function* openS3(
  location: Extract<SourceLocation, { kind: 's3-object' | 's3-prefix' }>,
  options: S3ReadOptions,
): AsyncGenerator<SourceObject> {
  const { client, sdk: s3 } = await clientFor(options);
  const { bucket } = location;
  const open = async (key: string): Promise<SourceObject> => {
    const object = await options.clock.wait(
      client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: options.clock.signal,
      }),
    );
    if (!object.Body) throw new SourceReadError(`Sync source s3://${bucket}/${key} has no body`);
    return {
      name: key,
      label: `s3://${bucket}/${key}`,
      contentType: object.ContentType,
      contentEncoding: object.ContentEncoding,
      body: object.Body as AsyncIterable<Uint8Array>,
    };
  };
  if (location.kind === 's3-object') {
    yield await open(location.key);
    return;
  }
  let continuationToken: string | undefined;
  let objects = 0;
  do {
    const page = await options.clock.wait(
      client.send(
        new s3.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: location.prefix,
          MaxKeys: options.pageSize,
          ContinuationToken: continuationToken,
        }),
        { abortSignal: options.clock.signal },
      ),
    );
    for (const { Key: key, Size: size } of page.Contents ?? []) {
      // A "folder" made in the S3 console is an empty object whose key ends in '/'.
      if (key === undefined || (key.endsWith('/') && !size)) continue;
      objects += 1;
      yield await open(key);
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  if (objects === 0) {
    throw new SourceReadError(
      `Sync source s3://${bucket}/${location.prefix} has no objects under its prefix`,
    );
  }
}
