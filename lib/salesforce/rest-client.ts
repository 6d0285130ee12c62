import {
  DEADLINE_SAFETY_MS,
  DEFAULT_API_VERSION,
  DEFAULT_REST_MAX_ATTEMPTS,
  DEFAULT_REST_TIMEOUT_MS,
  REST_RETRY_MAX_DELAY_MS,
  REST_RETRY_MIN_DELAY_MS,
} from '../constants.js';
import {
  DeadlineExceededError,
  RequestLimitExceededError,
  SalesforceApiError,
  SalesforceUnavailableError,
} from '../errors.js';
import { withRetries, type RetryPolicy } from '../retry.js';
import type { TokenProvider } from '../token/caching-token-provider.js';
import type { SalesforceToken } from '../token/salesforce-token.js';
import { parseLimitInfo, type ApiUsage } from './limit-info.js';
import { parseErrorBody, retryAfterMs } from './rest-responses.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface RestClientOptions {
  tokens: TokenProvider;
  /** `SALESFORCE_API_VERSION`, e.g. `66.0`. */
  apiVersion?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Attempts for 5xx, 429, network errors and timeouts. Default 4. */
  maxAttempts?: number | undefined;
  minDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** Upper bound of one request; the deadline may cut it shorter. Default 60 s. */
  requestTimeoutMs?: number | undefined;
  /** Epoch ms by which every call must be over, e.g. from the Lambda context. Default: none. */
  deadline?: (() => number) | undefined;
  /** Told the API usage from every response that carries `Sforce-Limit-Info`. */
  onApiUsage?: ((usage: ApiUsage) => void) | undefined;
}

export interface RestRequest {
  /** JSON body; sent with `Content-Type: application/json`. */
  json?: unknown;
  /**
   * Raw body with its content type (e.g. CSV for Bulk API 2.0). A stream is sent as it is
   * produced and is never retried (it cannot be sent twice).
   */
  body?: string | ReadableStream<Uint8Array> | undefined;
  contentType?: string | undefined;
  /**
   * `json` (default) parses the answer; `text` returns it as is; `stream` returns the body
   * unread, for the caller to consume (large CSV results), still bounded by the timeout.
   */
  accept?: 'json' | 'text' | 'stream' | undefined;
  /** Upper bound of this request, body included; the deadline may cut it shorter. Default: the client's. */
  timeoutMs?: number | undefined;
  headers?: Record<string, string> | undefined;
  /** Retry transient failures (default true). Off for calls that must not repeat, e.g. a Bulk upload. */
  retry?: boolean | undefined;
}

export interface RestResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Session errors that a new token cannot cure (salesforce-behaviour.md §5; jsforce `isSessionExpired`). */
const NOT_REFRESHABLE = 'This session is not valid for use with the REST API';

/** A 401 that a new token can cure: the session ended (INVALID_SESSION_ID), not a refusal of it. */
const sessionExpired = (error: unknown): boolean =>
  error instanceof SalesforceApiError &&
  error.status === 401 &&
  error.errors.some((e) => e.errorCode === 'INVALID_SESSION_ID' && e.message !== NOT_REFRESHABLE);

/**
 * A small REST client over the platform's fetch. It adds the bearer token, refreshes it once
 * on `401 INVALID_SESSION_ID` (passing the stale token, so concurrent calls cause one login),
 * retries 5xx, 429, network errors and timeouts with exponential backoff and jitter (honouring
 * `Retry-After`), never retries `403 REQUEST_LIMIT_EXCEEDED`, and keeps every request inside
 * the caller's deadline. Paths are relative to `/services/data/vXX.X` unless they start with `/services/`.
 */
export class SalesforceRestClient implements SalesforceApi {
  /** HTTP requests sent to Salesforce (each one counts against the org's API allocation). */
  apiCalls = 0;
  /** The most recent `Sforce-Limit-Info` usage. */
  apiUsage: ApiUsage | undefined;
  readonly apiVersion: string;
  readonly #options: RestClientOptions;
  /** `/services/data/vXX.X`, the prefix of every path that does not start with `/services/`. */
  readonly #dataPath: string;
  /** Retry policies: transient failures retried, and not (`retry: false`). */
  readonly #retries: RetryPolicy;
  readonly #once: RetryPolicy;

  constructor(options: RestClientOptions) {
    this.#options = options;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.#dataPath = `/services/data/v${this.apiVersion}`;
    this.#retries = {
      maxAttempts: options.maxAttempts ?? DEFAULT_REST_MAX_ATTEMPTS,
      minDelayMs: options.minDelayMs ?? REST_RETRY_MIN_DELAY_MS,
      maxDelayMs: options.maxDelayMs ?? REST_RETRY_MAX_DELAY_MS,
      // 5xx, 429, network errors, timeouts: never sooner than Salesforce's Retry-After.
      retryAfter: (error) =>
        error instanceof SalesforceUnavailableError ? (error.retryAfterMs ?? 0) : undefined,
      remainingMs: () => this.remainingMs(),
    };
    this.#once = { ...this.#retries, maxAttempts: 1 };
  }

  /** Milliseconds left before the deadline, minus the safety margin (Infinity without one). */
  remainingMs(): number {
    const deadline = this.#options.deadline?.();
    return deadline === undefined ? Infinity : deadline - Date.now() - DEADLINE_SAFETY_MS;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    request: RestRequest = NO_OPTIONS,
  ): Promise<RestResponse<T>> {
    // Out of time already: not even a token is fetched (that may mean invoking the token vendor).
    if (this.remainingMs() <= 0) throw noTimeLeft(method, path);
    // The token wait is bounded too: a hung token vendor must not hold the call past the deadline.
    const token = await this.#options.tokens.getToken({ deadline: this.#options.deadline?.() });
    // The first send is made here, outside the retry loop: the call that succeeds, nearly every
    // one, pays for no closure and no extra async frames (issue 10 lets `request` add 20 µs to a
    // bare fetch).
    try {
      return await this.#send<T>(method, path, request, token);
    } catch (error) {
      return this.#recover<T>(error, method, path, request, token);
    }
  }

  /**
   * After a failed first send: once per request, a send with a new token after
   * `401 INVALID_SESSION_ID`, and the retries of transient failures. That second send is not a
   * transient-failure retry, so it is made even with `retry: false` (the refused request had no
   * effect). A session refused again after the refresh reaches the caller as the 401's
   * SalesforceApiError, which is never retried.
   */
  #recover<T>(
    firstError: unknown,
    method: string,
    path: string,
    request: RestRequest,
    token: SalesforceToken,
  ): Promise<RestResponse<T>> {
    let first = true;
    let refreshed = false;
    return withRetries(
      async () => {
        try {
          // The first attempt is the send already made: its failure is handled as any other.
          if (first) throw firstError;
          return await this.#send<T>(method, path, request, token);
        } catch (error) {
          first = false;
          if (!sessionExpired(error) || refreshed) throw error;
        }
        refreshed = true;
        token = await this.#options.tokens.refreshToken(token.accessToken, {
          deadline: this.#options.deadline?.(),
        });
        return this.#send<T>(method, path, request, token);
      },
      request.retry === false || typeof request.body === 'object' ? this.#once : this.#retries,
    );
  }

  async #send<T>(
    method: string,
    path: string,
    request: RestRequest,
    token: SalesforceToken,
  ): Promise<RestResponse<T>> {
    const remaining = this.remainingMs();
    // Nothing starts past the deadline, a retry or the send after a token refresh included.
    if (remaining <= 0) throw noTimeLeft(method, path);
    const url = token.instanceUrl + (path.startsWith('/services/') ? path : this.#dataPath + path);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token.accessToken}`,
      accept: request.accept === undefined || request.accept === 'json' ? 'application/json' : 'text/csv',
    };
    if (request.headers) Object.assign(headers, request.headers);
    let body: string | ReadableStream<Uint8Array> | undefined = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (request.contentType) {
      headers['content-type'] = request.contentType;
    }
    const timeoutMs = Math.min(
      request.timeoutMs ?? this.#options.requestTimeoutMs ?? DEFAULT_REST_TIMEOUT_MS,
      remaining,
    );
    // A timer cleared as soon as the body is read, rather than AbortSignal.timeout, whose timer
    // stays (with a weak reference to its signal) for the whole timeout after the request is over:
    // at a few thousand requests a minute, that is a few thousand live timers for the collector.
    const controller = new AbortController();
    const timer = setTimeout(abortOnTimeout, timeoutMs, controller);
    let response: Response;
    let text: string;
    let streamed = false;
    this.apiCalls += 1;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method,
        headers,
        body: body ?? null,
        // A stream body needs half duplex (fetch spec); the answer is read once it is sent.
        ...(typeof body === 'object' && { duplex: 'half' }),
        signal: controller.signal,
        // Never followed: Salesforce's REST API does not redirect, and a redirect is no place to
        // send a bearer token; one fails as a network error (cause: "unexpected redirect"). Also
        // the only way undici skips cloning each request, its body included (a tee per request).
        redirect: 'error',
        window: null,
      });
      if (request.accept === 'stream' && response.ok && response.body) {
        // The caller reads the body: the timer bounds that read too, without holding the process.
        streamed = true;
        timer.unref();
        this.#noteUsage(response);
        return { status: response.status, headers: response.headers, body: response.body as T };
      }
      text = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : 'network error';
      throw new SalesforceUnavailableError(`Salesforce ${method} ${path}: ${reason}`, undefined, {
        cause: error,
      });
    } finally {
      if (!streamed) clearTimeout(timer);
    }
    this.#noteUsage(response);
    const { status } = response;
    if (status >= 200 && status < 300) {
      return {
        status,
        headers: response.headers,
        body: parseSuccess(text, request, method, path, status) as T,
      };
    }
    const errors = parseErrorBody(text);
    if (status === 403 && errors.some((e) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED')) {
      throw RequestLimitExceededError.fromResponse(method, path, status, errors);
    }
    if (status >= 500 || status === 429) {
      throw new SalesforceUnavailableError(
        `Salesforce ${method} ${path} answered HTTP ${status}${errors[0] ? ` (${errors[0].errorCode})` : ''}`,
        { status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) },
      );
    }
    throw SalesforceApiError.fromResponse(method, path, status, errors);
  }

  #noteUsage(response: Response): void {
    const usage = parseLimitInfo(response.headers.get('sforce-limit-info'));
    if (usage) {
      this.apiUsage = usage;
      this.#options.onApiUsage?.(usage);
    }
  }
}

const NO_OPTIONS: RestRequest = {};

/** Aborts a request the way AbortSignal.timeout would: with a TimeoutError. */
function abortOnTimeout(controller: AbortController): void {
  controller.abort(new DOMException('Request timed out', 'TimeoutError'));
}

function parseSuccess(
  text: string,
  request: RestRequest,
  method: string,
  path: string,
  status: number,
): unknown {
  if (request.accept === 'text' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    // A truncated or non-JSON success body: retrying is safe for the idempotent calls we make.
    throw new SalesforceUnavailableError(
      `Salesforce ${method} ${path} answered ${status} with a body that is not JSON`,
      { status },
    );
  }
}

function noTimeLeft(method: string, path: string): DeadlineExceededError {
  return new DeadlineExceededError(`No time left for Salesforce ${method} ${path} before the deadline`);
}
