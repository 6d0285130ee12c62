// nestsDeeperThan (lib/sync/source/record-limits.ts) against the depth of the value JSON.parse
// builds, on any JSON text: its shortcut for flat records (no second brace, no bracket) must
// answer as the full walk does, braces and brackets inside strings included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../lib/sync/source/record-limits.js';
import { numRuns } from './runs.js';

/** Containers open at the deepest point of a parsed JSON value (a scalar is 0). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** Strings rich in the characters the scan looks at. */
const tricky = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ' ') });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('nestsDeeperThan', () => {
  it('answers as the depth of the parsed value does, for every limit', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 6 }), (value, maxDepth) => {
        const text = JSON.stringify(value);
        expect(nestsDeeperThan(text, maxDepth)).toBe(depthOf(JSON.parse(text)) > maxDepth);
      }),
      { numRuns: numRuns(2_000) },
    );
  });

  it('takes the shortcut only where it holds: one brace, strings with brackets, a nested object', () => {
    expect(nestsDeeperThan('{"Name":"a[b{c"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"Name":"a[b{c"}', 0)).toBe(true);
    expect(nestsDeeperThan('{"Parent":{"Ext_Id__c":"x"}}', 1)).toBe(true);
    expect(nestsDeeperThan('{"Parent":{"Ext_Id__c":"x"}}', 2)).toBe(false);
    expect(nestsDeeperThan('[1]', 0)).toBe(true);
    expect(nestsDeeperThan('"plain"', 0)).toBe(false);
  });
});
