import { readSource, type ReadSourceOptions, type SourceEntry } from '../../../lib/sync/source-reader.js';

/** Every entry of a source, read to the end. */
export async function collect(url: string, options?: ReadSourceOptions): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  for await (const entry of readSource(url, options)) entries.push(entry);
  return entries;
}

/** The error a read ends with (the test fails if it ends without one). */
export async function readError(
  url: string,
  options?: ReadSourceOptions,
): Promise<Error & Record<string, unknown>> {
  try {
    await collect(url, options);
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('the read was expected to fail');
}
