export class ForbiddenKeyError extends Error {}

/**
 * JSON.parse that refuses `__proto__` keys. JSON.parse itself makes them harmless own
 * properties, but schema libraries drop them silently; refusing says clearly that the input
 * is wrong instead of writing a record that lost a field.
 */
export function parseJsonRejectingProto(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new ForbiddenKeyError('a "__proto__" key is not allowed');
    return value;
  });
}
