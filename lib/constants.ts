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

/**
 * Share of the org's daily API allocation past which the sync functions send no more writes
 * (`SALESFORCE_API_BUDGET_PERCENT`): the last 10% stays for the org's users and other integrations.
 */
export const DEFAULT_API_BUDGET_PERCENT = 90;

/**
 * A usage reading older than this is refreshed with `GET /limits` before a write. Salesforce
 * reports usage on every response, so a busy sync rarely needs it; an idle container does.
 */
export const API_USAGE_MAX_AGE_MS = 5 * 60_000;

/** Above this many records, Bulk API 2.0 is used (Salesforce's own guidance: more than 2,000). */
export const DEFAULT_BULK_THRESHOLD = 2_000;

/** Bulk API 2.0 accepts up to 100 MB of raw CSV per job upload; stay below it. */
export const BULK_MAX_JOB_BYTES = 100_000_000 - 1_000_000;

/**
 * After a failed early token refresh, the still-valid cached token is served without another
 * try for this long: during an outage callers are neither held up by, nor added to, failing logins.
 */
export const TOKEN_REFRESH_BACKOFF_MS = 30_000;

/** The token vendor's Powertools service name in logs, unless `POWERTOOLS_SERVICE_NAME` names another. */
export const DEFAULT_TOKEN_VENDOR_SERVICE_NAME = 'sf-token-vendor';

/**
 * A caller of the token vendor replaces its token this long before expiry. Smaller than the
 * vendor's own margin (DEFAULT_REFRESH_MARGIN_SECONDS), so by the time a caller asks again the
 * vendor has already refreshed, and one vendor login serves all callers.
 */
export const VENDOR_CALLER_REFRESH_MARGIN_MS = 60_000;

/**
 * Extra sObject Collections calls allowed per 200-record chunk to narrow a whole-request 400
 * down to the records behind it: enough to halve 200 records to single ones for a few bad
 * records, small next to an org's daily API allocation.
 */
export const DEFAULT_ISOLATION_BUDGET = 40;

/**
 * Bulk API 2.0 job-status polling backoff: Salesforce's own samples poll every few seconds;
 * starting short finishes small jobs fast, the cap keeps long jobs from costing many API calls.
 */
export const BULK_POLL_MIN_DELAY_MS = 500;
export const BULK_POLL_MAX_DELAY_MS = 10_000;

/**
 * Longest record-failure message kept. Salesforce's messages can quote the refused value (a
 * 131,072-character description that was too long, for instance); logs and summaries stay readable.
 */
export const MAX_FAILURE_MESSAGE = 300;

/** Field names kept on one record failure; Salesforce can list every field of a large record. */
export const MAX_FAILURE_FIELDS = 20;

/** How many failures the scheduled sync's summary lists (all are counted). */
export const SUMMARY_MAX_FAILURES = 50;

/**
 * Most bytes a sync source may have, counted both as sent and after decompression
 * (`SYNC_MAX_SOURCE_BYTES`): 1 GiB. Reading is a stream, so memory does not grow with it; the
 * bound stops an endless stream or a gzip bomb, and 1 GiB of NDJSON is several million records,
 * more than one 15-minute run writes.
 */
export const DEFAULT_MAX_SOURCE_BYTES = 1024 ** 3;

/**
 * Most bytes one source record may have (an NDJSON line, a JSON array element, a CSV row;
 * `SYNC_MAX_RECORD_BYTES`): 2 MiB. Salesforce takes at most 400,000 characters per record
 * (https://developer.salesforce.com/docs/atlas.en-us.api_bulk_v2.meta/api_bulk_v2/bulk_api_2_limits.htm),
 * up to 1.2 MB in UTF-8 plus JSON quoting: a larger record can only fail, and reading one is the
 * memory the reader needs.
 */
export const DEFAULT_MAX_RECORD_BYTES = 2 * 1024 ** 2;

/**
 * Deepest nesting of a source record's JSON value. A record is an object of scalars and
 * relationship references (2 levels); deeper values are refused by its schema anyway, and this
 * bound keeps a hostile record (nested thousands deep) from costing stack or memory.
 */
export const SOURCE_MAX_DEPTH = 32;

/** Same-origin redirects followed when reading an http(s) source. */
export const SOURCE_MAX_REDIRECTS = 5;

/** A source that sends nothing for this long (no headers, no bytes) is given up. */
export const SOURCE_IDLE_TIMEOUT_MS = 30_000;

/** Bytes handed to a parser at once: a parser buffers at most a record plus one of these. */
export const SOURCE_CHUNK_BYTES = 64 * 1024;

/** Schema problems listed in one message; the rest are left out so a message stays short. */
export const MAX_REPORTED_ISSUES = 10;

/**
 * Longest text value Salesforce stores (Long Text Area, 131,072 characters):
 * https://help.salesforce.com/s/articleView?id=sf.custom_field_types.htm
 */
export const SALESFORCE_MAX_TEXT_LENGTH = 131_072;

/** Fields allowed in one record; no sObject has more (custom-field limits stay below it). */
export const RECORD_MAX_FIELDS = 800;

/** Smallest RSA key accepted for RS256 (NIST SP 800-57 and Salesforce's certificate guidance). */
export const MIN_RSA_BITS = 2048;

/** CloudWatch namespace of the EMF metrics, unless `POWERTOOLS_METRICS_NAMESPACE` names another. */
export const DEFAULT_METRICS_NAMESPACE = 'SfLambdaBridge';

/**
 * Bytes of one part of a report object's multipart upload. S3 takes parts of 5 MiB to 5 GiB
 * (the last may be smaller), at most 10,000 of them
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): 8 MiB parts hold a
 * report of up to 80 GB while keeping one part in memory.
 */
export const REPORT_PART_BYTES = 8 * 1024 * 1024;

/** S3's smallest multipart part (all but the last), in bytes. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Upper bound of a Bulk upload or results read, which last as long as the data takes: the
 * longest a Lambda runs (15 min). The invocation's deadline cuts it shorter.
 */
export const BULK_TRANSFER_TIMEOUT_MS = 15 * 60 * 1000;

/** Bytes of CSV queued per chunk of a streamed Bulk upload (and the most queued at once). */
export const BULK_UPLOAD_CHUNK_BYTES = 256 * 1024;

/**
 * Records per Bulk API 2.0 job. Each job's external IDs are held to map its results back to
 * their source records, so this bounds memory (about 10 MB at 100,000); Salesforce splits a job
 * into batches of 10,000 and processes them in parallel anyway.
 */
export const BULK_MAX_JOB_RECORDS = 100_000;

/**
 * Time the scheduled sync keeps back from its deadline: it stops reading the source this long
 * before, to send the last job, read the results of finished jobs and write the report.
 */
export const SYNC_DEADLINE_RESERVE_MS = 10_000;

/**
 * Longest string a log line carries, per field (and per error message or stack): anything longer
 * is cut here and marked, before redaction runs, so one hostile field (a megabyte-long external ID
 * in an SQS message) costs the same as a short one. A few KB keeps every real error message whole.
 */
export const MAX_LOGGED_STRING_CHARS = 4_096;

/** Longest object key a log line carries; keys are field names, never free text. */
export const MAX_LOGGED_KEY_CHARS = 128;
