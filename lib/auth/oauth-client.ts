import * as z from 'zod/mini';
import {
  DEFAULT_LOGIN_MAX_ATTEMPTS,
  DEFAULT_LOGIN_TIMEOUT_MS,
  LOGIN_RETRY_MAX_DELAY_MS,
  LOGIN_RETRY_MIN_DELAY_MS,
  TOKEN_ENDPOINT_PATH,
} from '../constants.js';
import { SalesforceAuthError, SalesforceUnavailableError, UnexpectedResponseError } from '../errors.js';
import { tryParseJson } from '../json.js';
import { withRetries } from '../retry.js';
import { isSecureTransport } from './login-url.js';
import { hintFor } from './oauth-error-hints.js';

/**
 * Salesforce's token response. There is no `expires_in` in any flow, and `issued_at`
 * (epoch ms as a string) and `signature` are usual but undocumented (salesforce-behaviour.md §1.3).
 */
export interface TokenResponse {
  access_token: string;
  instance_url: string;
  token_type: string;
  scope?: string | undefined;
  id?: string | undefined;
  issued_at?: string | undefined;
}

const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  instance_url: z.url({ protocol: /^https?$/ }),
  token_type: z._default(z.string(), 'Bearer'),
  scope: z.optional(z.string()),
  id: z.optional(z.string()),
  issued_at: z.optional(z.string()),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.optional(z.string()) });

export interface TokenRequestOptions {
  /** Injected fetch (tests, instrumentation). Default: the platform's `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number | undefined;
  /** Attempts when the failure is transient (network, timeout, 5xx, 429). Default 3. */
  maxAttempts?: number | undefined;
  /** Backoff bounds; each delay is exponential and randomised by up to 2x. Default 200 ms to 2 s. */
  minDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

/**
 * POSTs a form to `{loginUrl}/services/oauth2/token` and returns the token response.
 * Transient failures are retried with bounded exponential backoff and jitter; an OAuth error
 * (`{error, error_description}`) is never retried here and becomes a {@link SalesforceAuthError}.
 *
 * `buildForm` runs once per attempt, so each attempt can carry a freshly signed assertion
 * (a replayed `jti` would be refused). An aborted `signal` (a caller's deadline) cuts off the
 * attempt in flight and the retries; the call rejects with that attempt's error.
 */
export async function requestToken(
  loginUrl: string,
  buildForm: () => Promise<URLSearchParams>,
  options: TokenRequestOptions = {},
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const endpoint = `${loginUrl}${TOKEN_ENDPOINT_PATH}`;
  // Nothing is retried once the deadline of the call that started the login has passed: the
  // last attempt's error (cut off by the signal) is the answer.
  return withRetries(() => attempt(endpoint, buildForm, options, signal), {
    maxAttempts: options.maxAttempts ?? DEFAULT_LOGIN_MAX_ATTEMPTS,
    minDelayMs: options.minDelayMs ?? LOGIN_RETRY_MIN_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? LOGIN_RETRY_MAX_DELAY_MS,
    retryAfter: (error) => (!signal?.aborted && error instanceof SalesforceUnavailableError ? 0 : undefined),
  });
}

async function attempt(
  endpoint: string,
  buildForm: () => Promise<URLSearchParams>,
  options: TokenRequestOptions,
  signal: AbortSignal | undefined,
): Promise<TokenResponse> {
  const doFetch = options.fetch ?? fetch;
  let status: number;
  let text: string;
  try {
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: await buildForm(),
      signal: AbortSignal.any([
        AbortSignal.timeout(options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS),
        ...(signal ? [signal] : []),
      ]),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    // Network errors carry no request body, so they are safe to keep as the cause.
    throw new SalesforceUnavailableError(
      `Token request to ${endpoint} failed: ${describeNetworkError(error)}`,
      undefined,
      { cause: error },
    );
  }
  const body = tryParseJson(text);
  if (status === 200) {
    const token = tokenResponseSchema.safeParse(body);
    if (token.success) return checkInstanceUrl(endpoint, token.data);
    // Never quote the body: it may hold the access token.
    throw new SalesforceUnavailableError(
      `Token endpoint ${endpoint} answered 200 without a usable token response`,
      { status },
    );
  }
  if (status >= 500 || status === 429) {
    throw new SalesforceUnavailableError(`Token endpoint ${endpoint} answered HTTP ${status}`, { status });
  }
  const oauthError = oauthErrorSchema.safeParse(body);
  if (oauthError.success) {
    const { error, error_description: description = '' } = oauthError.data;
    throw SalesforceAuthError.refused({
      error,
      errorDescription: description,
      status,
      hint: hintFor(error, description),
    });
  }
  throw SalesforceAuthError.refused({
    error: `http_${status}`,
    errorDescription: `token endpoint answered HTTP ${status} without an OAuth error body`,
    status,
    hint: 'check that loginUrl is the Salesforce login host or My Domain URL, with no path',
  });
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ?? (error instanceof Error ? error.message : 'network error');
}

/**
 * The token response, if its `instance_url` is safe to send the access token to: every API call
 * goes there with the token in its Authorization header. Salesforce's own are always https
 * (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm); plain http
 * is accepted only for loopback hosts, as for the login URL. Not retried: the answer would be
 * the same. The message names the scheme and host, never the token.
 */
function checkInstanceUrl(endpoint: string, token: TokenResponse): TokenResponse {
  const url = new URL(token.instance_url);
  if (isSecureTransport(url)) return token;
  throw new UnexpectedResponseError(
    `Token endpoint ${endpoint} answered an instance_url that does not use https (${url.protocol}//${url.host}): plain http is accepted only for loopback hosts, since every API call sends the access token there`,
  );
}
