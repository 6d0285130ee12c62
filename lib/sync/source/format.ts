import type { SourceFormat } from '../../env.js';
import { SourceReadError } from '../../errors.js';
import type { SourceObject } from './types.js';

const BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
  csv: 'csv',
};

// https://github.com/ndjson/ndjson-spec, https://jsonlines.org, RFC 8259, RFC 4180.
const BY_MEDIA_TYPE: readonly [RegExp, SourceFormat][] = [
  [/^application\/(x-)?(ndjson|jsonl|json-?lines)$/, 'ndjson'],
  [/^(application|text)\/json$|\+json$/, 'json'],
  [/^(text|application)\/csv$/, 'csv'],
];

const GZIP_MEDIA_TYPE = /^application\/(x-)?gzip$/;

/** How to read an object: its format, and whether it is gzip-compressed. */
export interface ObjectEncoding {
  format: SourceFormat;
  gzip: boolean;
}

/**
 * The format and compression of an object. gzip: a `.gz` name, `Content-Encoding: gzip` or a
 * gzip Content-Type. Format: `override` (`SYNC_SOURCE_FORMAT`), else the name's extension
 * (`.ndjson`/`.jsonl`, `.json`, `.csv`, before any `.gz`), else the Content-Type. Never guessed
 * from the content: a JSON array on one line is also a valid NDJSON line, so content cannot tell.
 */
export function objectEncoding(object: SourceObject, override: SourceFormat | undefined): ObjectEncoding {
  const name = object.name.toLowerCase();
  const mediaType = (object.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const encoding = (object.contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new SourceReadError(`Sync source ${object.label} has a Content-Encoding other than gzip`);
  }
  const gzip = name.endsWith('.gz') || encoding.endsWith('gzip') || GZIP_MEDIA_TYPE.test(mediaType);
  const extension = /\.([a-z]+)$/.exec(name.replace(/\.gz$/, ''))?.[1] ?? '';
  const format =
    override ?? BY_EXTENSION[extension] ?? BY_MEDIA_TYPE.find(([type]) => type.test(mediaType))?.[1];
  if (!format) {
    throw new SourceReadError(
      `Sync source ${object.label} has no known format: name it .ndjson, .jsonl, .json or .csv (optionally .gz), serve it with its Content-Type, or set SYNC_SOURCE_FORMAT`,
    );
  }
  return { format, gzip };
}
