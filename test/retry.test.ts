import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, withRetries, type RetryPolicy } from '../lib/retry.js';

class Transient extends Error {
  constructor(readonly floorMs = 0) {
    super('transient');
  }
}

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 4,
  minDelayMs: 100,
  maxDelayMs: 1_000,
  retryAfter: (error) => (error instanceof Transient ? error.floorMs : undefined),
  ...overrides,
});

/** An attempt that fails with each of `failures` in turn, then succeeds; it records when it ran. */
function scripted(failures: Error[]) {
  const startedAt: number[] = [];
  const attempt = () => {
    startedAt.push(Date.now());
    const failure = failures[startedAt.length - 1];
    return failure ? Promise.reject(failure) : Promise.resolve('done');
  };
  return { attempt, startedAt };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('withRetries', () => {
  it('retries transient failures with exponential, jittered waits, up to maxAttempts in all', async () => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { attempt, startedAt } = scripted([new Transient(), new Transient(), new Transient()]);
    const result = withRetries(attempt, policy());
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    // 100 * 2^(n-1) * 1.5: 150, 300, 600 ms apart.
    expect(startedAt).toEqual([0, 150, 450, 1_050]);
  });

  it('throws the last failure once the attempts are used up', async () => {
    vi.useFakeTimers();
    const last = new Transient();
    const { attempt, startedAt } = scripted([new Transient(), new Transient(), last]);
    const result = withRetries(attempt, policy({ maxAttempts: 3 })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await result).toBe(last);
    expect(startedAt).toHaveLength(3);
  });

  it('never retries a failure that is not transient', async () => {
    const permanent = new Error('permanent');
    const { attempt, startedAt } = scripted([permanent]);
    await expect(withRetries(attempt, policy())).rejects.toBe(permanent);
    expect(startedAt).toHaveLength(1);
  });

  it('waits at least the floor the failure carries (Retry-After)', async () => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { attempt, startedAt } = scripted([new Transient(5_000), new Transient(10)]);
    const result = withRetries(attempt, policy());
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    expect(startedAt).toEqual([0, 5_000, 5_200]);
  });

  it('makes no retry whose wait does not fit in the time left, and does not wait for it', async () => {
    vi.useFakeTimers({ now: 0 });
    const tooLate = new Transient(2_000);
    const { attempt, startedAt } = scripted([new Transient(), tooLate]);
    const result = withRetries(attempt, policy({ remainingMs: () => 1_500 - Date.now() })).catch(
      (e: unknown) => e,
    );
    await vi.runAllTimersAsync();
    expect(await result).toBe(tooLate);
    expect(startedAt).toHaveLength(2);
    expect(Date.now()).toBeLessThan(1_000);
  });
});

describe('backoffMs', () => {
  it('doubles from minDelayMs, is randomised by up to 2x, and is capped at maxDelayMs', () => {
    const bounds = { minDelayMs: 200, maxDelayMs: 2_000 };
    for (let retry = 1; retry <= 6; retry += 1) {
      const base = 200 * 2 ** (retry - 1);
      for (let i = 0; i < 50; i += 1) {
        const delay = backoffMs(retry, bounds);
        expect(delay).toBeGreaterThanOrEqual(Math.min(base, 2_000));
        expect(delay).toBeLessThanOrEqual(Math.min(2 * base, 2_000));
      }
    }
    expect(backoffMs(3, { minDelayMs: 0, maxDelayMs: 1_000 })).toBe(0);
  });
});
