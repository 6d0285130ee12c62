/** Defaults in one place; each one says why it has the value it has. */

/** How long the credentials secret is kept in memory before Secrets Manager is asked again. */
export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

/**
 * Salesforce returns no `expires_in`: a session lives for the session timeout of the app,
 * profile or org, 2 hours by default (SOAP API "Error Handling", salesforce-behaviour.md §3).
 */
export const DEFAULT_SESSION_TTL_SECONDS = 7200;

/** A token is replaced this long before its assumed expiry, so no caller gets one about to die. */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 300;

/** Salesforce wants the assertion's `exp` "within 3 minutes" of now. */
export const JWT_ASSERTION_LIFETIME_SECONDS = 180;

/** Per-request timeout of a token request; Salesforce answers logins in well under a second. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 10_000;

/** Attempts for one login when the failure is transient (network error, timeout, 5xx). */
export const DEFAULT_LOGIN_MAX_ATTEMPTS = 3;

/** Backoff between transient login failures: exponential from this, with full jitter up to 2x. */
export const LOGIN_RETRY_MIN_DELAY_MS = 200;
export const LOGIN_RETRY_MAX_DELAY_MS = 2_000;

export const TOKEN_ENDPOINT_PATH = '/services/oauth2/token';
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A current GA REST API version (Spring '26); salesforce-behaviour.md §6. */
export const DEFAULT_API_VERSION = '66.0';

/** REST retries for 5xx, 429, network errors and timeouts. */
export const DEFAULT_REST_MAX_ATTEMPTS = 4;
export const REST_RETRY_MIN_DELAY_MS = 500;
export const REST_RETRY_MAX_DELAY_MS = 8_000;

/** Per-request timeout; Salesforce's own REST call timeout is 10 minutes, ours is much shorter. */
export const DEFAULT_REST_TIMEOUT_MS = 60_000;

/** Time kept back from the Lambda deadline to report results; no request starts inside it. */
export const DEADLINE_SAFETY_MS = 2_000;

/** sObject Collections take at most 200 records per call. */
export const COLLECTIONS_MAX_RECORDS = 200;
export const DEFAULT_COLLECTIONS_CONCURRENCY = 3;

/** Above this many records, Bulk API 2.0 is used (Salesforce's own guidance: more than 2,000). */
export const DEFAULT_BULK_THRESHOLD = 2_000;

/** Bulk API 2.0 accepts up to 100 MB of raw CSV per job upload; stay below it. */
export const BULK_MAX_JOB_BYTES = 100_000_000 - 1_000_000;
