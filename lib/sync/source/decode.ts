import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SourceReadError } from '../../errors.js';
import { foreignCause } from './limits.js';

/**
 * The gunzipped bytes of `compressed`, as a stream: zlib inflates only as fast as they are read,
 * so a gzip bomb costs no more memory than any other source, and the decompressed-bytes limit
 * stops it (the caller meters what this yields). Concatenated gzip members are all read.
 */
export async function* gunzip(
  compressed: AsyncIterable<Uint8Array>,
  label: string,
): AsyncGenerator<Uint8Array> {
  const inflated = pipeline(
    Readable.from(compressed, { objectMode: false }),
    createGunzip(),
    () => undefined,
  );
  try {
    for await (const chunk of inflated) yield chunk as Uint8Array;
  } catch (error) {
    // zlib's own errors (`Z_DATA_ERROR`, `Z_BUF_ERROR`) say the bytes are not gzip, or cut short;
    // anything else (a limit, a network error) comes from the compressed side: passed on.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new SourceReadError(`Sync source ${label} is not valid gzip (${code})`, undefined, {
        cause: foreignCause(error),
      });
    }
    throw error;
  } finally {
    inflated.destroy();
  }
}
