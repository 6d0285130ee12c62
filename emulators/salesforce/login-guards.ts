// Two sliding-window memories the token endpoint needs: the per-user login rate limit and the
// replay cache for assertion `jti`s.

const HOUR_MS = 60 * 60 * 1000;

/**
 * 3,600 logins per user per rolling hour (§4, KB 000381578). Successful and failed attempts both
 * count; attempts refused *because of* the limit do not, so a client that backs off recovers once
 * the window slides.
 */
export class LoginRateLimiter {
  readonly #attempts = new Map<string, number[]>();

  constructor(
    private readonly limitPerHour: number,
    private readonly now: () => number,
  ) {}

  /** Records an attempt and returns true, or returns false when the user is over the limit. */
  admit(userKey: string): boolean {
    const now = this.now();
    const recent = (this.#attempts.get(userKey) ?? []).filter((at) => now - at < HOUR_MS);
    if (recent.length >= this.limitPerHour) {
      this.#attempts.set(userKey, recent);
      return false;
    }
    recent.push(now);
    this.#attempts.set(userKey, recent);
    return true;
  }
}

/**
 * Remembers `jti` values for a fixed window. A window rather than the assertion's `exp`, because
 * `exp` may be absurdly far away (sfdx-core sends milliseconds, §1.2).
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number,
  ) {}

  /** True when `key` was already seen within the window; otherwise remembers it and returns false. */
  seenBefore(key: string): boolean {
    const now = this.now();
    for (const [seenKey, forgetAt] of this.#seen) {
      if (forgetAt <= now) this.#seen.delete(seenKey);
    }
    if (this.#seen.has(key)) return true;
    this.#seen.set(key, now + this.retentionMs);
    return false;
  }
}
