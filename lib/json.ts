import { ForbiddenKeyError } from './errors.js';

/** `JSON.parse`, or `undefined` for text that is not JSON (whose parse error would quote it). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `JSON.parse` that refuses `__proto__` keys with a {@link ForbiddenKeyError}. JSON.parse
 * itself makes them harmless own properties, but schema libraries drop them silently; refusing
 * says clearly that the input is wrong instead of writing a record that lost a field. Text that
 * is not JSON throws JSON.parse's SyntaxError, whose message quotes the input: callers say
 * "not valid JSON" instead of passing it on.
 */
export function parseJsonRejectingProto(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new ForbiddenKeyError('a "__proto__" key is not allowed');
    return value;
  });
}
