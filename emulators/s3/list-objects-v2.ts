// ListObjectsV2 for s3rver, in place of its own: s3rver encrypts continuation tokens with DES,
// which OpenSSL 3 (Node 17 and later) no longer provides, so every truncated listing (more keys
// than MaxKeys) failed with a 500. This answers the same request from s3rver's own store, with
// the same response body, and a continuation token that is the last key, base64url-encoded
// (opaque to clients, as S3's own are). Everything else is left to s3rver.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html

/** The parts of a Koa context this middleware uses. */
export interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  app: { store: S3rverStore };
}

export interface S3rverStore {
  getBucket(bucket: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: {
      prefix?: string | undefined;
      startAfter?: string | undefined;
      maxKeys?: number | undefined;
      delimiter?: string | undefined;
    },
  ): Promise<{
    objects: { key: string; size: number; lastModifiedDate: Date; metadata: { etag: string } }[];
    commonPrefixes: string[];
    isTruncated: boolean;
  }>;
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

export async function listObjectsV2(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
  if (ctx.method !== 'GET' || single(ctx.query['list-type']) !== '2' || !bucket) return next();
  // s3rver answers the errors: no such bucket, bad arguments.
  const maxKeysText = single(ctx.query['max-keys']) ?? '1000';
  if (!/^\d+$/.test(maxKeysText) || !(await ctx.app.store.getBucket(bucket))) return next();
  const token = single(ctx.query['continuation-token']);
  const startAfter = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : single(ctx.query['start-after']);
  const prefix = single(ctx.query.prefix) ?? '';
  const delimiter = single(ctx.query.delimiter);
  const delimiterOrNone = delimiter === '' ? undefined : delimiter;
  const maxKeys = Math.min(1000, Number(maxKeysText));
  const result =
    maxKeys === 0
      ? { objects: [], commonPrefixes: [], isTruncated: false }
      : await ctx.app.store.listObjects(bucket, { prefix, startAfter, maxKeys, delimiter: delimiterOrNone });
  const last = result.objects.at(-1)?.key;
  // s3rver's next middleware turns this object into the XML body, as for its own listing.
  ctx.body = {
    ListBucketResult: {
      '@': { xmlns: 'http://doc.s3.amazonaws.com/2006-03-01/' },
      Name: bucket,
      Prefix: prefix,
      StartAfter: token ? undefined : startAfter,
      ContinuationToken: token,
      NextContinuationToken:
        result.isTruncated && last !== undefined
          ? Buffer.from(last, 'utf8').toString('base64url')
          : undefined,
      KeyCount: result.objects.length,
      MaxKeys: maxKeysText,
      Delimiter: delimiterOrNone,
      IsTruncated: result.isTruncated,
      Contents: result.objects.map((object) => ({
        Key: object.key,
        LastModified: object.lastModifiedDate.toISOString(),
        ETag: object.metadata.etag,
        Size: object.size,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: p })),
    },
  };
}
