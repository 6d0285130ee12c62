import { isIPv4 } from 'node:net';

/** Where a sync source lives (`SYNC_SOURCE_URL`), taken apart. */
export type SourceLocation =
  /** `s3://bucket/key`: one object. */
  | { kind: 's3-object'; bucket: string; key: string }
  /** `s3://bucket/prefix/` (or `s3://bucket/`): every object under the prefix, in key order. */
  | { kind: 's3-prefix'; bucket: string; prefix: string }
  /** `https://…`, or `http://` to a loopback host. */
  | { kind: 'http'; url: URL };

/** What `SYNC_SOURCE_URL` may be, for messages (which never repeat the value). */
export const SOURCE_URL_FORMS =
  's3://bucket/key, s3://bucket/prefix/ or https://host/path (http only for loopback hosts)';

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses a source URL. Plain http is accepted only for loopback hosts (the local stack, tests):
 * a source may carry credentials and its records must not cross a network in clear text.
 *
 * @returns the location, or a problem that never repeats the input (it may hold a credential).
 */
export function parseSourceLocation(raw: string): { location: SourceLocation } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { problem: `must be ${SOURCE_URL_FORMS}` };
  }
  if (url.protocol === 's3:') return parseS3(url);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { problem: 'must use https (plain http is accepted only for loopback hosts)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: `must be ${SOURCE_URL_FORMS}` };
  return { location: { kind: 'http', url } };
}

function parseS3(url: URL): { location: SourceLocation } | { problem: string } {
  if (url.username || url.password || url.port)
    return { problem: 'must be s3://bucket/key, with no user or port' };
  if (url.search || url.hash) return { problem: 'must not have a query string or fragment' };
  const bucket = url.hostname;
  if (!BUCKET_NAME.test(bucket)) return { problem: 'must name a valid S3 bucket' };
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return { problem: 'must have a well-formed key' };
  }
  return key === '' || key.endsWith('/')
    ? { location: { kind: 's3-prefix', bucket, prefix: key } }
    : { location: { kind: 's3-object', bucket, key } };
}

/** `localhost`, 127.0.0.0/8 or `[::1]`: a URL's hostname that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIPv4(hostname) && hostname.startsWith('127.');
}
