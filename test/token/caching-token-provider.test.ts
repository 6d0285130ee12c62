import { describe, expect, it, vi } from 'vitest';
import { DEADLINE_SAFETY_MS } from '../../lib/constants.js';
import { DeadlineExceededError } from '../../lib/errors.js';
import type { SalesforceToken } from '../../lib/token/salesforce-token.js';
import { CachingTokenProvider } from '../../lib/token/caching-token-provider.js';

const HOUR = 3_600_000;
const TOKEN: SalesforceToken = {
  accessToken: 'token-x',
  instanceUrl: 'https://acme.my.salesforce.com',
  tokenType: 'Bearer',
  issuedAt: 0,
  expiresAt: 0,
};

/** A loader that counts calls, mints token-1, token-2, ... and can be made to fail or wait. */
function harness(marginMs = 60_000) {
  let clock = 1_000_000;
  let logins = 0;
  let failNext = false;
  let gate: Promise<void> | undefined;
  const refreshFailures: unknown[] = [];
  const cache = new CachingTokenProvider(
    async () => {
      logins += 1;
      const n = logins;
      await gate;
      if (failNext) throw new Error('login failed');
      const token: SalesforceToken = {
        accessToken: `token-${n}`,
        instanceUrl: 'https://acme.my.salesforce.com',
        tokenType: 'Bearer',
        issuedAt: clock,
        expiresAt: clock + 2 * HOUR,
      };
      return token;
    },
    { refreshMarginMs: marginMs, now: () => clock, onRefreshFailed: (e) => refreshFailures.push(e) },
  );
  return {
    cache,
    refreshFailures,
    logins: () => logins,
    advance: (ms: number) => (clock += ms),
    failLogins: (fail: boolean) => (failNext = fail),
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('CachingTokenProvider', () => {
  it('single-flight: 100 concurrent callers share one login, later calls hit the cache', async () => {
    const h = harness();
    const release = h.hold();
    const pending = Array.from({ length: 100 }, () => h.cache.getToken());
    release();
    const tokens = await Promise.all(pending);
    expect(h.logins()).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
    await h.cache.getToken();
    expect(h.logins()).toBe(1);
  });

  it('logs in again when the token reaches the refresh margin', async () => {
    const h = harness(5 * 60_000);
    await h.cache.getToken();
    h.advance(2 * HOUR - 5 * 60_000 - 1);
    expect((await h.cache.getToken()).accessToken).toBe('token-1');
    h.advance(1);
    expect((await h.cache.getToken()).accessToken).toBe('token-2');
    expect(h.logins()).toBe(2);
  });

  it('serves the cached token while an early refresh fails, and fails once it has expired', async () => {
    const h = harness(5 * 60_000);
    await h.cache.getToken();
    h.advance(2 * HOUR - 60_000);
    h.failLogins(true);
    expect((await h.cache.getToken()).accessToken).toBe('token-1');
    expect(h.refreshFailures).toHaveLength(1);
    // Within the backoff, the cached token is served without another attempt.
    expect((await h.cache.getToken()).accessToken).toBe('token-1');
    expect(h.logins()).toBe(2);
    h.advance(31_000);
    expect((await h.cache.getToken()).accessToken).toBe('token-1');
    expect(h.logins()).toBe(3);
    expect(h.refreshFailures).toHaveLength(2);
    h.advance(29_000);
    await expect(h.cache.getToken()).rejects.toThrow('login failed');
    h.failLogins(false);
    expect((await h.cache.getToken()).accessToken).toBe('token-5');
  });

  it('does not cache failures: the next caller tries again', async () => {
    const h = harness();
    h.failLogins(true);
    await expect(h.cache.getToken()).rejects.toThrow('login failed');
    h.failLogins(false);
    expect((await h.cache.getToken()).accessToken).toBe('token-2');
  });

  it('refresh(stale): a hundred callers reporting the same stale token cause one login', async () => {
    const h = harness();
    const stale = await h.cache.getToken();
    const fresh = await Promise.all(
      Array.from({ length: 100 }, () => h.cache.refreshToken(stale.accessToken)),
    );
    expect(h.logins()).toBe(2);
    expect(new Set(fresh.map((t) => t.accessToken))).toEqual(new Set(['token-2']));
    // Stragglers arriving after the refresh completed get the new token, no extra login.
    expect((await h.cache.refreshToken(stale.accessToken)).accessToken).toBe('token-2');
    expect(h.logins()).toBe(2);
  });

  it('refresh(stale) drops the stale token at once, so concurrent get() waits for the new one', async () => {
    const h = harness();
    const stale = await h.cache.getToken();
    const release = h.hold();
    const refreshing = h.cache.refreshToken(stale.accessToken);
    const getting = h.cache.getToken();
    release();
    expect((await getting).accessToken).toBe('token-2');
    expect((await refreshing).accessToken).toBe('token-2');
  });

  it('refresh() without a stale token always logs in again (forceRefresh)', async () => {
    const h = harness();
    await h.cache.getToken();
    expect((await h.cache.refreshToken()).accessToken).toBe('token-2');
    expect((await h.cache.refreshToken()).accessToken).toBe('token-3');
    expect(h.logins()).toBe(3);
  });

  it('tells the loader why it loads: a plain get, a forced refresh, or a refresh of a stale token', async () => {
    const reasons: unknown[] = [];
    let n = 0;
    const cache = new CachingTokenProvider(
      (reason) => {
        reasons.push(reason);
        n += 1;
        return Promise.resolve({
          accessToken: `t${n}`,
          instanceUrl: 'https://x',
          tokenType: 'Bearer',
          issuedAt: 0,
          expiresAt: Date.now() + HOUR,
        });
      },
      { refreshMarginMs: 0 },
    );
    await cache.getToken();
    await cache.refreshToken();
    await cache.refreshToken('t2');
    expect(reasons).toEqual([{ refresh: false }, { refresh: true }, { refresh: true, staleToken: 't2' }]);
  });
});

describe('CachingTokenProvider with deadlines', () => {
  /** A deadline whose waiting time (after the safety margin) is `ms` from now. */
  const inMs = (ms: number) => Date.now() + DEADLINE_SAFETY_MS + ms;

  it('a caller stops waiting at its own deadline; the one shared load goes on and fills the cache', async () => {
    const h = harness();
    const release = h.hold();
    let answered = false;
    const patient = h.cache.getToken().then((token) => {
      answered = true;
      return token;
    });
    const hurried = h.cache.getToken({ deadline: inMs(20) });
    await expect(hurried).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(hurried).rejects.toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED' });
    expect(answered).toBe(false); // gave up while the load was still held
    release();
    expect((await patient).accessToken).toBe('token-1');
    // The load finished for the cache: a caller with a deadline now gets it at once.
    expect((await h.cache.getToken({ deadline: inMs(20) })).accessToken).toBe('token-1');
    expect(h.logins()).toBe(1);
  });

  it('refreshToken(stale, { deadline }) stops waiting too, and the refresh still replaces the token', async () => {
    const h = harness();
    const stale = await h.cache.getToken();
    const release = h.hold();
    const patient = h.cache.refreshToken(stale.accessToken);
    await expect(h.cache.refreshToken(stale.accessToken, { deadline: inMs(20) })).rejects.toMatchObject({
      code: 'ERR_DEADLINE_EXCEEDED',
    });
    release();
    expect((await patient).accessToken).toBe('token-2');
    expect((await h.cache.refreshToken(stale.accessToken, { deadline: inMs(20) })).accessToken).toBe(
      'token-2',
    );
    expect(h.logins()).toBe(2);
  });

  it('abandons the load at the deadline of the call that started it: its signal aborts, every waiter is let go', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const h = harness();
    const release = h.hold();
    // The harness's loader ignores its signal: waiters are let go all the same.
    const cache = new CachingTokenProvider((_reason, options) => {
      signals.push(options.signal);
      return h.cache.refreshToken(undefined);
    });
    const [starter, joined, later] = await Promise.allSettled([
      cache.getToken({ deadline: inMs(20) }),
      // Joined later, with no deadline of their own or a later one: let go at the starter's
      // deadline all the same, the load they joined being over.
      cache.getToken(),
      cache.getToken({ deadline: inMs(60_000) }),
    ]);
    for (const settled of [starter, joined, later]) {
      expect(settled).toMatchObject({
        status: 'rejected',
        reason: { code: 'ERR_DEADLINE_EXCEEDED', message: 'No Salesforce token before the deadline' },
      });
      expect((settled as PromiseRejectedResult).reason).toBeInstanceOf(DeadlineExceededError);
    }
    expect(signals).toHaveLength(1);
    // The loader's signal aborts at that deadline too (its own timer, perhaps a moment later).
    await vi.waitFor(() => {
      expect(signals[0]?.aborted).toBe(true);
    });

    // Nobody joins an abandoned load: the next caller starts its own (without a deadline, so
    // without a signal).
    const next = cache.getToken();
    expect(signals).toHaveLength(2);
    expect(signals[1]).toBeUndefined();
    release();
    expect((await next).accessToken).toBe('token-1');
    expect(h.logins()).toBe(1);
  });

  it('starts no load when the deadline leaves no time, but serves a cached token whatever the deadline', async () => {
    const h = harness();
    await expect(h.cache.getToken({ deadline: inMs(-1) })).rejects.toMatchObject({
      code: 'ERR_DEADLINE_EXCEEDED',
      message: 'No Salesforce token before the deadline',
    });
    expect(h.logins()).toBe(0);
    await h.cache.getToken();
    expect((await h.cache.getToken({ deadline: Date.now() - 1 })).accessToken).toBe('token-1');
    expect(h.logins()).toBe(1);
  });

  it('fails with DeadlineExceededError, never a RangeError, when the clock passes the deadline while a load starts', async () => {
    // A clock 10 ms further on at every reading: for some of these deadlines, the one checked
    // before the load starts is still ahead and the one the load's timer is set from is past.
    let readings = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => 1_000_000 + 10 * readings++);
    try {
      for (let offset = 1; offset <= 40; offset++) {
        readings = 0;
        const cache = new CachingTokenProvider(() => new Promise<SalesforceToken>(() => undefined));
        const deadline = 1_000_000 + DEADLINE_SAFETY_MS + offset;
        await expect(cache.getToken({ deadline })).rejects.toBeInstanceOf(DeadlineExceededError);
      }
    } finally {
      clock.mockRestore();
    }
  });

  it('serves the still-valid token when an early refresh outlasts the deadline, and backs off', async () => {
    const h = harness(5 * 60_000);
    await h.cache.getToken();
    h.advance(2 * HOUR - 60_000);
    const release = h.hold();
    expect((await h.cache.getToken({ deadline: inMs(20) })).accessToken).toBe('token-1');
    expect(h.refreshFailures).toEqual([expect.any(DeadlineExceededError)]);
    release();
    // The abandoned refresh is not tried again within the backoff: the valid token is served.
    expect((await h.cache.getToken()).accessToken).toBe('token-1');
    expect(h.logins()).toBe(2);
    h.advance(31_000);
    expect((await h.cache.getToken()).accessToken).toBe('token-3');
  });

  it('a load that fails after every caller gave up is not an unhandled rejection', async () => {
    const failLoad: ((error: Error) => void)[] = [];
    let loads = 0;
    const cache = new CachingTokenProvider(() => {
      loads += 1;
      if (loads > 1) return Promise.resolve({ ...TOKEN, expiresAt: Date.now() + HOUR });
      return new Promise((_resolve, reject) => failLoad.push(reject));
    });
    await expect(cache.getToken({ deadline: inMs(20) })).rejects.toBeInstanceOf(DeadlineExceededError);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      failLoad[0]?.(new Error('login failed after everyone left'));
      // Node reports unhandled rejections once the microtask queue has drained: one macrotask on.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // The failed load is over: the next caller starts its own.
    expect((await cache.getToken()).accessToken).toBe('token-x');
    expect(loads).toBe(2);
  });
});
