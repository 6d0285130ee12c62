// The index a Bulk job keeps of its records: IDs that match ignoring case are found in either
// order, a single ref is kept as the string it is, and sealing drops only the case index.
import { describe, expect, it } from 'vitest';
import { JobRefs, refList } from '../../lib/salesforce/job-refs.js';

describe('JobRefs', () => {
  it('finds an ID the job holds ignoring case, whichever case came first', () => {
    const refs = new JobRefs();
    refs.add('ABC-1', 'line 1');
    refs.add('def-2', 'line 2');
    refs.add('42', 'line 3');
    for (const id of ['ABC-1', 'abc-1', 'Abc-1', 'def-2', 'DEF-2', '42']) expect(refs.has(id)).toBe(true);
    for (const id of ['ABC-2', 'de-2', '420']) expect(refs.has(id)).toBe(false);
  });

  it('keeps each external ID as sent, with its ref as given, and seals to that map', () => {
    const refs = new JobRefs();
    const merged = ['m1', 'm2'];
    refs.add('ABC-1', 'line 1');
    refs.add('x-2', merged);
    const sealed = refs.seal();
    expect([...sealed]).toEqual([
      ['ABC-1', 'line 1'],
      ['x-2', merged],
    ]);
    expect(sealed.get('x-2')).toBe(merged);
    expect(refList(sealed.get('ABC-1'))).toEqual(['line 1']);
    expect(refList(sealed.get('missing'))).toEqual([]);
  });
});
