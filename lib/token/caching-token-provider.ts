import {
  DEADLINE_SAFETY_MS,
  DEFAULT_REFRESH_MARGIN_SECONDS,
  TOKEN_REFRESH_BACKOFF_MS,
} from '../constants.js';
import type { SalesforceToken } from './salesforce-token.js';
import { SharedLoad, tooLate } from './shared-load.js';

/** Options of one {@link TokenProvider} call. */
export interface TokenCallOptions {
  /**
   * Epoch milliseconds (on `Date.now()`'s clock) by which the caller must be done, e.g.
   * `Date.now() + context.getRemainingTimeInMillis()`: the same meaning as `SalesforceClient`'s
   * `deadline`. A provider stops waiting `DEADLINE_SAFETY_MS` (2 s) before it and rejects with
   * `DeadlineExceededError` (`ERR_DEADLINE_EXCEEDED`); a cached token is returned whatever the
   * deadline. Default: no deadline.
   */
  deadline?: number | undefined;
}

/**
 * Anything that hands out Salesforce tokens: minted locally, or asked of the token vendor.
 * Implement it to give `SalesforceClient` (option `tokens`) your own token source. The client
 * passes its deadline as `options`; an implementation written before `options` existed (taking
 * no arguments) still satisfies this interface, it just does not bound its wait.
 *
 * @example
 * ```ts
 * // Your own token source behind SalesforceClient({ tokens }); `deadline` says how long to wait.
 * const tokens: TokenProvider = {
 *   getToken: (options) => myTokenCache.get(options?.deadline),
 *   refreshToken: (staleToken, options) => myTokenCache.replace(staleToken, options?.deadline),
 * };
 * ```
 */
export interface TokenProvider {
  /** A valid token, cached across calls and warm invocations. */
  getToken(options?: TokenCallOptions): Promise<SalesforceToken>;
  /** A new token; pass the token Salesforce refused so concurrent reports cause one login. */
  refreshToken(staleToken?: string, options?: TokenCallOptions): Promise<SalesforceToken>;
}

/** Why a token is being loaded: the vendor passes a refresh (and the stale token) on. */
export type LoadReason = { refresh: false } | { refresh: true; staleToken?: string | undefined };

/** What a load is given besides its reason. */
export interface LoadOptions {
  /**
   * Aborted at the deadline (less the safety margin) of the call that started the load, if it
   * had one: the loader should abandon its request then (an invoke, a login). Its callers get
   * `DeadlineExceededError` whatever it rejects with.
   */
  signal?: AbortSignal | undefined;
}

/** Gets a new token from wherever tokens come from (a login, the token vendor). */
export type TokenLoader = (reason: LoadReason, options: LoadOptions) => Promise<SalesforceToken>;

export interface CachingTokenProviderOptions {
  /** Replace the token this long before `expiresAt`. Default 300 s. */
  refreshMarginMs?: number | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Called when an early refresh failed and the still-valid cached token was served instead. */
  onRefreshFailed?: ((error: unknown) => void) | undefined;
  /** After a failed early refresh, serve the cached token without trying again for this long. Default 30 s. */
  refreshBackoffMs?: number | undefined;
}

/**
 * The one token cache: holds one token for the life of a container, and makes sure concurrent
 * callers share one load: a value with an expiry, one in-flight load cleared when it ends,
 * invalidation by the stale token, and an injected clock (STYLE.md §7). Local and vendor-backed
 * providers are this class with their own loader.
 *
 * With a `deadline`, each caller stops waiting at its own (less `DEADLINE_SAFETY_MS`) with
 * `DeadlineExceededError`, while the shared load goes on for the cache and for the callers with
 * more time. The load itself is abandoned at the deadline of the call that started it (see
 * `SharedLoad`): its request is aborted, whoever still waits on it gets `DeadlineExceededError`,
 * and the next caller starts a new one, so a hung source never outlives that caller's Lambda
 * invocation.
 *
 * @example
 * ```ts
 * const tokens = new CachingTokenProvider(() => login(credentials, { sessionTtlSeconds: 7200 }));
 * const { accessToken } = await tokens.getToken();
 * ```
 */
export class CachingTokenProvider implements TokenProvider {
  readonly #load: TokenLoader;
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #onRefreshFailed: ((error: unknown) => void) | undefined;
  readonly #backoffMs: number;
  #token: SalesforceToken | undefined;
  /** No early refresh is attempted before this time (epoch ms), after one failed. */
  #earlyRefreshAfter = 0;
  #inFlight: SharedLoad<SalesforceToken> | undefined;

  constructor(load: TokenLoader, options: CachingTokenProviderOptions = {}) {
    this.#load = load;
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_SECONDS * 1000;
    this.#now = options.now ?? (() => Date.now());
    this.#onRefreshFailed = options.onRefreshFailed;
    this.#backoffMs = options.refreshBackoffMs ?? TOKEN_REFRESH_BACKOFF_MS;
  }

  /**
   * The cached token, or a new one when there is none or it is within the margin of expiry.
   * During an early refresh that fails or outlasts the caller's deadline, the cached token
   * (still valid) is returned.
   */
  async getToken(options: TokenCallOptions = {}): Promise<SalesforceToken> {
    const token = this.#token;
    const now = this.#now();
    if (token && now < token.expiresAt - this.#marginMs) return token;
    if (token && now < token.expiresAt) {
      // Early refresh: if it fails, the current token still has time left, so serve it, and
      // do not try again before the backoff has passed.
      if (now < this.#earlyRefreshAfter && !this.#inFlight) return token;
      try {
        return await this.#shared({ refresh: false }, options.deadline);
      } catch (error) {
        if (this.#earlyRefreshAfter <= now) {
          this.#earlyRefreshAfter = this.#now() + this.#backoffMs;
          this.#onRefreshFailed?.(error);
        }
        return token;
      }
    }
    return this.#shared({ refresh: false }, options.deadline);
  }

  /**
   * A token other than `staleToken`. When the cached token is not the stale one, someone has
   * already replaced it and it is returned as is: a hundred callers reporting the same expired
   * token cause one login. Without `staleToken`, a new login is made (or an in-flight one joined).
   */
  async refreshToken(staleToken?: string, options: TokenCallOptions = {}): Promise<SalesforceToken> {
    const token = this.#token;
    // A load under way is joined (whatever started it): it will not return the stale token.
    if (!this.#inFlight && staleToken !== undefined && token) {
      if (token.accessToken !== staleToken && this.#now() < token.expiresAt) return token;
      if (token.accessToken === staleToken) this.#token = undefined;
    }
    return this.#shared({ refresh: true, staleToken }, options.deadline);
  }

  /**
   * Joins the load under way, or starts one (abandoned at this caller's deadline, if it has one),
   * and waits for it until this caller's own deadline at most.
   */
  #shared(reason: LoadReason, deadline = Infinity): Promise<SalesforceToken> {
    const cutoff = deadline - DEADLINE_SAFETY_MS;
    if (cutoff <= Date.now()) return Promise.reject(tooLate());
    this.#inFlight ??= this.#start(reason, cutoff);
    return this.#inFlight.wait(cutoff);
  }

  #start(reason: LoadReason, cutoff: number): SharedLoad<SalesforceToken> {
    const load = new SharedLoad<SalesforceToken>(
      cutoff,
      (signal) =>
        this.#load(reason, { signal }).then((token) => {
          // An abandoned load's late token is not kept: a newer load may have replaced it.
          if (!signal?.aborted) this.#token = token;
          return token;
        }),
      () => {
        if (this.#inFlight === load) this.#inFlight = undefined;
      },
    );
    return load;
  }
}
