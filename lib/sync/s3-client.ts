import type { S3Client } from '@aws-sdk/client-s3';
import { readS3SourceEnv } from '../env.js';
import { ConfigurationError } from '../errors.js';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | undefined;
let defaultClient: S3Client | undefined;

/**
 * `@aws-sdk/client-s3` is an optional peer dependency, loaded on first use: code that reads only
 * https sources and writes no report needs none. The Lambda runtime provides it.
 */
export async function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
    sdk = undefined;
    throw new ConfigurationError(
      'An s3:// sync source needs @aws-sdk/client-s3: npm install @aws-sdk/client-s3',
      undefined,
      { cause: error },
    );
  });
  return sdk;
}

/**
 * The one S3 client of a container, shared by the source reader and the run report (one
 * connection pool), configured by the SDK's env vars; path-style when `AWS_ENDPOINT_URL_S3` is set.
 */
export async function defaultS3Client(): Promise<S3Client> {
  const loaded = await loadS3Sdk();
  defaultClient ??= new loaded.S3Client({ forcePathStyle: readS3SourceEnv().forcePathStyle });
  return defaultClient;
}
