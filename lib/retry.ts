/**
 * The one retry loop, shared by the token endpoint client and the REST client: bounded attempts,
 * exponential backoff with jitter, a per-failure floor on the wait (Salesforce's `Retry-After`),
 * and no retry that would start past a deadline. Hand-written rather than a library so that a
 * caller's bundle stays small (issue 10's 25 KB budget); it is a dozen lines.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included: 1 means no retry. */
  maxAttempts: number;
  /** The n-th retry waits `minDelayMs * 2^(n-1)`, times a random factor from 1 to 2, at most `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * Whether a failure is transient: the least wait before trying again in ms (a `Retry-After`, or
   * 0), or `undefined` for a failure that is never retried (it is thrown at once).
   */
  retryAfter: (error: unknown) => number | undefined;
  /** Ms left before the deadline; a retry whose wait does not fit is not made. Default: no deadline. */
  remainingMs?: (() => number) | undefined;
}

/** Runs `attempt` until it succeeds, or fails for good under `policy` (the last error is thrown). */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let retry = 1; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      const floor = retry < policy.maxAttempts ? policy.retryAfter(error) : undefined;
      if (floor === undefined) throw error;
      const wait = Math.max(floor, backoffMs(retry, policy));
      if (policy.remainingMs && wait >= policy.remainingMs()) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The jittered exponential wait before the `retry`-th retry (1-based), in whole ms. */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs'>): number {
  const exponential = policy.minDelayMs * 2 ** (retry - 1) * (1 + Math.random());
  return Math.min(Math.round(exponential), policy.maxDelayMs);
}
