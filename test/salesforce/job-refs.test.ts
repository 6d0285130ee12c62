// The index a Bulk job keeps of its records: IDs that match ignoring case are found in either
// order; refs come back exactly as added, whether kept as numbers after a shared prefix or not.
import { describe, expect, it } from 'vitest';
import { foldHash, JobRefs } from '../../lib/salesforce/job-refs.js';

describe('JobRefs', () => {
  it('finds an ID the job holds ignoring case, whichever case came first, also once sealed', () => {
    const refs = new JobRefs();
    refs.add('ABC-1', 'line 1');
    refs.add('def-2', 'line 2');
    refs.add('42', 'line 3');
    for (const id of ['ABC-1', 'abc-1', 'Abc-1', 'def-2', 'DEF-2', '42']) expect(refs.has(id)).toBe(true);
    for (const id of ['ABC-2', 'de-2', '420']) expect(refs.has(id)).toBe(false);
    expect(refs.size).toBe(3);
  });

  it('gives back every ref exactly as added, by external ID as sent', () => {
    const refs = new JobRefs();
    const merged = ['m1', 'm2'];
    const added: [string, string | string[]][] = [
      ['A-1', 'exports/a.ndjson line 1'],
      ['A-2', 'exports/a.ndjson line 2000000'],
      ['A-3', 'exports/a.ndjson line 007'],
      ['A-4', 'exports/a.ndjson line 1234567890'],
      ['A-5', 'exports/b.ndjson line 3'],
      ['A-6', 'exports/a.ndjson line '],
      ['A-7', 'exports/a.ndjson line x9'],
      ['a-8', merged],
      ['A-9', 'exports/a.ndjson line 0'],
    ];
    for (const [id, ref] of added) refs.add(id, ref);
    const index = refs.seal();
    expect([...index]).toEqual(added.map(([id, ref]) => [id, typeof ref === 'string' ? [ref] : ref]));
    expect(index.get('a-8')).toBe(merged);
    expect(index.get('A-2')).toEqual(['exports/a.ndjson line 2000000']);
    expect(index.delete('a-8') && index.delete('A-2')).toBe(true);
    expect(index.get('A-2')).toBeUndefined();
    // Found by the external ID as sent: case matters here (results echo what was sent).
    expect(index.get('a-1')).toBeUndefined();
    expect([...index].map(([id]) => id)).toEqual(['A-1', 'A-3', 'A-4', 'A-5', 'A-6', 'A-7', 'A-9']);
    index.clear();
    expect([...index]).toEqual([]);
  });

  it('a first ref without digits still round-trips, and so does every later one', () => {
    const refs = new JobRefs();
    refs.add('x', 'msg-a');
    refs.add('y', 'msg-a7');
    refs.add('z', '12');
    expect([...refs]).toEqual([
      ['x', ['msg-a']],
      ['y', ['msg-a7']],
      ['z', ['12']],
    ]);
  });

  it('tells apart two IDs whose lower-cased forms share a hash: only a spelling of the ID itself is found', () => {
    // A pair of upper-case IDs whose lower-cased forms collide in the 30-bit hash (birthday search).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i += 1) {
      const id = `SRC-${String(i)}`;
      const hash = foldHash(id.toLowerCase());
      const earlier = seen.get(hash);
      if (earlier) pair = [earlier, id];
      else seen.set(hash, id);
    }
    const [held, other] = pair;
    const refs = new JobRefs();
    refs.add(held, 'line 1');
    expect(refs.has(other)).toBe(false);
    expect(refs.has(other.toLowerCase())).toBe(false);
    expect(refs.has(held.toLowerCase())).toBe(true);
    expect(refs.has(held)).toBe(true);
  });
});
