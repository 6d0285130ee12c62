import pRetry, { AbortError } from 'p-retry';
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
  type SalesforceErrorItem,
} from '../errors.js';
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

class SessionExpired extends Error {
  constructor(readonly errors: SalesforceErrorItem[]) {
    super('Session expired or invalid');
  }
}

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

  constructor(options: RestClientOptions) {
    this.#options = options;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  }

  /** Milliseconds left before the deadline, minus the safety margin (Infinity without one). */
  remainingMs(): number {
    const deadline = this.#options.deadline?.();
    return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now() - DEADLINE_SAFETY_MS;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    request: RestRequest = {},
  ): Promise<RestResponse<T>> {
    // Out of time already: not even a token is fetched (that may mean invoking the token vendor).
    if (this.remainingMs() <= 0) throw noTimeLeft(method, path);
    // The token wait is bounded too: a hung token vendor must not hold the call past the deadline.
    let token = await this.#options.tokens.getToken({ deadline: this.#options.deadline?.() });
    let refreshed = false;
    return pRetry(
      async () => {
        try {
          return await this.#send<T>(method, path, request, token);
        } catch (error) {
          if (!(error instanceof SessionExpired)) throw error;
          if (refreshed) throw new AbortError(sessionError(method, path, error));
          refreshed = true;
          token = await this.#options.tokens.refreshToken(token.accessToken, {
            deadline: this.#options.deadline?.(),
          });
          throw error;
        }
      },
      {
        retries:
          request.retry === false || typeof request.body === 'object'
            ? 0
            : Math.max(0, (this.#options.maxAttempts ?? DEFAULT_REST_MAX_ATTEMPTS) - 1),
        factor: 2,
        minTimeout: this.#options.minDelayMs ?? REST_RETRY_MIN_DELAY_MS,
        maxTimeout: this.#options.maxDelayMs ?? REST_RETRY_MAX_DELAY_MS,
        randomize: true,
        // The one retry after a token refresh is not a transient-failure retry.
        shouldConsumeRetry: ({ error }) => !(error instanceof SessionExpired),
        shouldRetry: ({ error, retryDelay }) =>
          error instanceof SessionExpired ||
          (error instanceof SalesforceUnavailableError &&
            Math.max(retryDelay, error.retryAfterMs ?? 0) < this.remainingMs()),
        onFailedAttempt: async ({ error, retryDelay, retriesLeft }) => {
          // Retry-After is a floor on the wait; p-retry's own backoff covers the rest.
          const floor = error instanceof SalesforceUnavailableError ? (error.retryAfterMs ?? 0) : 0;
          if (retriesLeft > 0 && floor > retryDelay) await sleep(floor - retryDelay);
        },
      },
    ).catch((error: unknown) => {
      // A SessionExpired that ran out of attempts still reaches the caller as a typed error.
      throw error instanceof SessionExpired ? sessionError(method, path, error) : error;
    });
  }

  async #send<T>(
    method: string,
    path: string,
    request: RestRequest,
    token: SalesforceToken,
  ): Promise<RestResponse<T>> {
    const remaining = this.remainingMs();
    if (remaining <= 0) throw new AbortError(noTimeLeft(method, path));
    const url = `${token.instanceUrl}${path.startsWith('/services/') ? '' : `/services/data/v${this.apiVersion}`}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${token.accessToken}`,
      accept: request.accept === undefined || request.accept === 'json' ? 'application/json' : 'text/csv',
      ...request.headers,
    };
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
    let response: Response;
    let text: string;
    this.apiCalls += 1;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method,
        headers,
        body: body ?? null,
        // A stream body needs half duplex (fetch spec); the answer is read once it is sent.
        ...(typeof body === 'object' ? { duplex: 'half' } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (request.accept === 'stream' && response.ok && response.body) {
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
    if (
      status === 401 &&
      errors.some((e) => e.errorCode === 'INVALID_SESSION_ID' && e.message !== NOT_REFRESHABLE)
    ) {
      throw new SessionExpired(errors);
    }
    if (status === 403 && errors.some((e) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED')) {
      throw new AbortError(RequestLimitExceededError.fromResponse(method, path, status, errors));
    }
    if (status >= 500 || status === 429) {
      throw new SalesforceUnavailableError(
        `Salesforce ${method} ${path} answered HTTP ${status}${errors[0] ? ` (${errors[0].errorCode})` : ''}`,
        { status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) },
      );
    }
    throw new AbortError(SalesforceApiError.fromResponse(method, path, status, errors));
  }

  #noteUsage(response: Response): void {
    const usage = parseLimitInfo(response.headers.get('sforce-limit-info'));
    if (usage) {
      this.apiUsage = usage;
      this.#options.onApiUsage?.(usage);
    }
  }
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

function sessionError(method: string, path: string, error: SessionExpired): SalesforceApiError {
  return SalesforceApiError.fromResponse(method, path, 401, error.errors);
}

function noTimeLeft(method: string, path: string): DeadlineExceededError {
  return new DeadlineExceededError(`No time left for Salesforce ${method} ${path} before the deadline`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
