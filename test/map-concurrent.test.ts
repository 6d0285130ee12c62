import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../lib/map-concurrent.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrent', () => {
  it('keeps at most `concurrency` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3, 0, 2], 3, async (n, index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < n; i += 1) await tick();
      inFlight -= 1;
      return `${index}:${n}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:2']);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = [];
    const failure = new Error('chunk 1');
    const result = mapConcurrent([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw failure;
      return n;
    });
    await expect(result).rejects.toBe(failure);
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2]);
  });

  it('maps an empty list to an empty list', async () => {
    expect(await mapConcurrent([], 3, () => Promise.resolve(1))).toEqual([]);
  });
});
