/**
 * Runs `fn` with stdout and stderr captured, so the handlers' own JSON log lines and EMF
 * metrics do not drown the demo's report; the captured lines are returned for it to read.
 */
export async function captureLogs<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream));
  for (const stream of streams) {
    stream.write = (chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  }
  try {
    const value = await fn();
    return { value, lines: parseLines(chunks.join('')) };
  } finally {
    streams.forEach((stream, i) => {
      const original = originals[i];
      if (original) stream.write = original;
    });
  }
}

function parseLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line): Record<string, unknown>[] => {
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}
