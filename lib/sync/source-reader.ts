import { readSourceEntries, type ReadSourceOptions } from './source/read-source.js';
import type { SourceEntry, SourceEntryCode } from './source/types.js';

export type { ReadSourceOptions, SourceEntry, SourceEntryCode };

/**
 * Reads the records of a sync source as a stream, holding one record at a time: memory does
 * not grow with the source.
 *
 * Sources: `s3://bucket/key`, `s3://bucket/prefix/` (every object under it, in key order, one
 * after another) and `https://…` (`http://` only for loopback hosts). Formats: NDJSON (refs
 * `line N`), a JSON array (`#i`) and CSV with a header row (`row N`, the header being row 1; in
 * a prefix, refs start with the object's key), by `format`, else the name's extension
 * (`.ndjson`/`.jsonl`, `.json`, `.csv`), else the Content-Type; gzip by a `.gz` name or
 * `Content-Encoding: gzip`.
 *
 * A record that cannot be used (not JSON, a `__proto__` key, nested too deep, a CSV row of the
 * wrong width) is an entry with its `error` and `code` (`INVALID_JSON`, or `INVALID_CSV` for a
 * row), and reading goes on. Anything that makes the rest
 * unreadable throws a `SourceReadError` (`ERR_SOURCE_READ`), as does every limit, naming it in
 * `limit`: `maxSourceBytes` as sent and after decompression (default 1 GiB), `maxRecordBytes`
 * (default 2 MiB), the `deadline`, 30 s of silence, a redirect to another origin, an address
 * that is link-local, a cloud metadata service, or (for http) not loopback. Messages name the
 * source without credentials or query string, and never quote its content.
 *
 * @example
 * ```ts
 * for await (const entry of readSource('s3://exports/accounts/', { deadline: Date.now() + 60_000 })) {
 *   if ('error' in entry) failures.push(entry);
 *   else records.push(entry.value);
 * }
 * ```
 */
export function readSource(url: string, options: ReadSourceOptions = {}): AsyncIterable<SourceEntry> {
  return readSourceEntries(url, options);
}
