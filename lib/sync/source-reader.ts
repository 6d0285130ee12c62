import { ForbiddenKeyError, SourceReadError } from '../errors.js';
import { parseJsonRejectingProto } from '../json.js';

/** One entry of the source: a parsed value, or why its line could not be parsed. */
export type SourceEntry = { ref: string; value: unknown } | { ref: string; error: string };

export interface ReadSourceOptions {
  fetch?: typeof fetch | undefined;
  timeoutMs: number;
}

/**
 * Reads records from an HTTP(S) URL: a JSON array, or NDJSON (one JSON value per line). A bad
 * NDJSON line is reported as an entry of its own rather than failing the rest; a bad JSON array
 * fails the read. References are `#<index>` (array) or `line <n>` (NDJSON).
 */
export async function readSource(url: string, options: ReadSourceOptions): Promise<SourceEntry[]> {
  let text: string;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { accept: 'application/json, application/x-ndjson' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok)
      throw new SourceReadError(`Sync source ${safeUrl(url)} answered HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    if (error instanceof SourceReadError) throw error;
    throw new SourceReadError(
      `Sync source ${safeUrl(url)} could not be read: ${error instanceof Error ? error.name : 'error'}`,
      undefined,
      { cause: error },
    );
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const values = parseJsonRejectingProto(trimmed) as unknown[];
      return values.map((value, index) => ({ ref: `#${index}`, value }));
    } catch (error) {
      // A `__proto__` key means the text is valid JSON: a JSON array, refused as a whole, even
      // on one line. Otherwise, NDJSON whose first line happens to be an array (a bad record)
      // is still NDJSON: its first line parses on its own. A broken JSON array's first line does not.
      if (error instanceof ForbiddenKeyError) {
        throw new SourceReadError(
          `Sync source ${safeUrl(url)} starts like a JSON array but ${error.message}`,
        );
      }
      if (!firstLineIsJson(trimmed)) {
        throw new SourceReadError(
          `Sync source ${safeUrl(url)} starts like a JSON array but it is not valid JSON`,
        );
      }
    }
  }
  const entries: SourceEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const ref = `line ${index + 1}`;
    try {
      entries.push({ ref, value: parseJsonRejectingProto(line) });
    } catch (error) {
      entries.push({
        ref,
        error: error instanceof ForbiddenKeyError ? `has ${error.message}` : 'is not valid JSON',
      });
    }
  });
  return entries;
}

function firstLineIsJson(text: string): boolean {
  try {
    JSON.parse(text.split('\n', 1)[0] ?? '');
    return true;
  } catch {
    return false;
  }
}

/** The URL without credentials or query string, which may hold a token. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
