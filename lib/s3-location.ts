import { ConfigurationError } from './errors.js';

/** An S3 bucket and a key prefix (empty, or ending in `/`). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose buckets).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** What is wrong with `s3://bucket/prefix/`, if anything (never quoting it). */
export function s3PrefixProblem(url: string): string | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  if (!match) return 'must look like s3://bucket/prefix/';
  const [, bucket = '', prefix = ''] = match;
  if (!BUCKET.test(bucket)) return 'names an invalid S3 bucket';
  if (prefix !== '' && !prefix.endsWith('/'))
    return 'must end with "/" (it is a prefix under which each run writes its objects)';
  if (prefix.length > 900) return 'has a prefix longer than 900 characters';
  return undefined;
}

/**
 * `s3://bucket/prefix/` as bucket and prefix. The prefix names a folder: it is empty or ends in
 * `/`, so that the objects written under it cannot collide with a sibling key. Messages name the
 * setting, never the value (a URL may carry more than a location).
 */
export function parseS3Prefix(url: string, setting: string): S3Location {
  const problem = s3PrefixProblem(url);
  if (problem !== undefined) {
    throw new ConfigurationError(`${setting} ${problem}`, { problems: [{ field: setting, problem }] });
  }
  const path = url.slice('s3://'.length);
  const slash = path.indexOf('/');
  return { bucket: path.slice(0, slash), prefix: path.slice(slash + 1) };
}
