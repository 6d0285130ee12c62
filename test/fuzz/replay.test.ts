// The contract test/fuzz/runs.ts relies on: a failing property's error names its seed and path,
// and those two replay the same counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const failing = fc.property(fc.integer(), (n) => n < 1_000);

function failure(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the property to fail');
}

describe('fast-check failure reports', () => {
  it('name the seed and path, which replay the same counterexample', () => {
    const message = failure(() => {
      fc.assert(failing, { numRuns: 1_000 });
    });
    const report = /\{ seed: (-?\d+), path: "([\d:]+)"/.exec(message);
    expect(report, message).not.toBeNull();
    const counterexample = /Counterexample: (.*)/.exec(message)?.[1];
    expect(counterexample).toBe('[1000]');

    const [, seed = '', path = ''] = report ?? [];
    const replay = fc.check(failing, { seed: Number(seed), path, numRuns: 1_000 });
    expect(replay.failed).toBe(true);
    expect(replay.counterexample).toEqual([1000]);
    expect(replay.numRuns).toBe(1);
  });
});
