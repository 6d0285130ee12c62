/**
 * The status code of a record that could not be parsed: `INVALID_JSON` for an NDJSON line or JSON
 * array element, `INVALID_CSV` for a CSV row (e.g. more or fewer cells than the header).
 */
export type SourceEntryCode = 'INVALID_JSON' | 'INVALID_CSV';

/** One entry of a source: a parsed value, or why this record could not be parsed. */
export type SourceEntry =
  { ref: string; value: unknown } | { ref: string; code: SourceEntryCode; error: string };

/** One object of a source, opened: an http(s) response or an S3 object, its body not yet read. */
export interface SourceObject {
  /** The path or key, whose extension may say the format and compression. */
  name: string;
  /** How messages name it: a redacted URL, or `s3://bucket/key`. */
  label: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: AsyncIterable<Uint8Array>;
}

/** The limits a parser enforces on each record. */
export interface RecordLimits {
  /** Bytes of one NDJSON line, JSON array element or CSV row. */
  maxRecordBytes: number;
  /** Nesting of one record's JSON value. */
  maxDepth: number;
}
