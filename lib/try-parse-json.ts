/** `JSON.parse`, or `undefined` for text that is not JSON (whose parse error would quote it). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
