import { SourceReadError } from '../../errors.js';

/** The error for a record over `SYNC_MAX_RECORD_BYTES`: it stops the read. */
export function recordTooLarge(label: string, ref: string, maxRecordBytes: number): SourceReadError {
  return new SourceReadError(
    `Sync source ${label}: ${ref} exceeds SYNC_MAX_RECORD_BYTES (${maxRecordBytes} bytes); reading stopped`,
    { limit: 'record-bytes' },
  );
}

/**
 * Whether JSON text nests deeper than `maxDepth` (brackets and braces outside strings), checked
 * before JSON.parse so that a hostile line costs neither stack nor memory.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  // Most records are one flat object: no second brace and no bracket, so depth 1 at most, found
  // by two native searches instead of a walk of every character.
  if (maxDepth >= 1 && !text.includes('{', text.indexOf('{') + 1) && !text.includes('[')) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Whether a parsed JSON value holds a `__proto__` key at any depth (JSON.parse makes it an own property). */
export function hasProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (!Array.isArray(next) && Object.hasOwn(next, '__proto__')) return true;
    pending.push(...(Object.values(next) as unknown[]));
  }
  return false;
}
