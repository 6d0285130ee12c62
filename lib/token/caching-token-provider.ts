import { DEFAULT_REFRESH_MARGIN_SECONDS, TOKEN_REFRESH_BACKOFF_MS } from '../constants.js';
import type { SalesforceToken } from './salesforce-token.js';

/** Anything that hands out Salesforce tokens: minted locally, or asked of the token vendor. */
export interface TokenProvider {
  /** A valid token, cached across calls and warm invocations. */
  getToken(): Promise<SalesforceToken>;
  /** A new token; pass the token Salesforce refused so concurrent reports cause one login. */
  refreshToken(staleToken?: string): Promise<SalesforceToken>;
}

/** Why a token is being loaded: the vendor passes a refresh (and the stale token) on. */
export type LoadReason = { refresh: false } | { refresh: true; staleToken?: string | undefined };

/** Gets a new token from wherever tokens come from (a login, the token vendor). */
export type TokenLoader = (reason: LoadReason) => Promise<SalesforceToken>;

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
 * callers share one load: a value with an expiry, one in-flight promise cleared in `finally`,
 * invalidation by the stale token, and an injected clock (STYLE.md §7). Local and vendor-backed
 * providers are this class with their own loader.
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
  #inFlight: Promise<SalesforceToken> | undefined;

  constructor(load: TokenLoader, options: CachingTokenProviderOptions = {}) {
    this.#load = load;
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_SECONDS * 1000;
    this.#now = options.now ?? (() => Date.now());
    this.#onRefreshFailed = options.onRefreshFailed;
    this.#backoffMs = options.refreshBackoffMs ?? TOKEN_REFRESH_BACKOFF_MS;
  }

  /** The cached token, or a new one when there is none or it is within the margin of expiry. */
  async getToken(): Promise<SalesforceToken> {
    const token = this.#token;
    const now = this.#now();
    if (token && now < token.expiresAt - this.#marginMs) return token;
    if (token && now < token.expiresAt) {
      // Early refresh: if it fails, the current token still has time left, so serve it, and
      // do not try again before the backoff has passed.
      if (now < this.#earlyRefreshAfter && !this.#inFlight) return token;
      try {
        return await this.#shared({ refresh: false });
      } catch (error) {
        if (this.#earlyRefreshAfter <= now) {
          this.#earlyRefreshAfter = this.#now() + this.#backoffMs;
          this.#onRefreshFailed?.(error);
        }
        return token;
      }
    }
    return this.#shared({ refresh: false });
  }

  /**
   * A token other than `staleToken`. When the cached token is not the stale one, someone has
   * already replaced it and it is returned as is: a hundred callers reporting the same expired
   * token cause one login. Without `staleToken`, a new login is made (or an in-flight one joined).
   */
  async refreshToken(staleToken?: string): Promise<SalesforceToken> {
    if (this.#inFlight) return this.#inFlight;
    const token = this.#token;
    if (
      staleToken !== undefined &&
      token &&
      token.accessToken !== staleToken &&
      this.#now() < token.expiresAt
    ) {
      return token;
    }
    if (staleToken !== undefined && token?.accessToken === staleToken) this.#token = undefined;
    return this.#shared({ refresh: true, staleToken });
  }

  #shared(reason: LoadReason): Promise<SalesforceToken> {
    this.#inFlight ??= this.#load(reason)
      .then((token) => {
        this.#token = token;
        return token;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}
