import { formatProblems, type FieldProblem } from './schema-issues.js';

/** The third constructor argument of every error here, as for `Error` itself. */
export interface SfBridgeErrorOptions {
  /** The foreign error this one wraps; kept only when it cannot hold secret material. */
  cause?: unknown;
}

/**
 * Every error this package throws is a {@link SfBridgeError} with a stable `code`, on the class
 * and on each instance: callers switch on `code`, never on message text. Every constructor has
 * one shape, `(message, details?, { cause }?)`, where `details` carries the subclass's own
 * readonly fields. Messages name the problem (a field, an env var, Salesforce's own description)
 * and never carry an access token, private key or client secret; foreign errors are wrapped
 * once, at the boundary, and only kept as `cause` when they cannot hold secret material.
 *
 * @example
 * ```ts
 * if (error instanceof SfBridgeError && error.code === SalesforceAuthError.code) ...
 * ```
 */
export class SfBridgeError extends Error {
  static readonly code: string = 'ERR_SF_BRIDGE';
  readonly code: string;
  /**
   * The status code of the records that a call failed by this error is reported with, where it
   * differs from `code` (declared only: most errors have none).
   */
  declare readonly recordStatusCode?: string;

  constructor(message: string, _details?: undefined, options?: SfBridgeErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.code;
  }
}

/** A setting (env var or option) is missing or invalid. Detected at cold start, before any I/O. */
export class ConfigurationError extends SfBridgeError {
  static override readonly code: string = 'ERR_CONFIGURATION';
  /** Each setting at fault and what is wrong with it, when the error lists them. */
  readonly problems: readonly FieldProblem[];

  constructor(
    message: string,
    details?: { problems?: readonly FieldProblem[] | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.problems = details?.problems ?? [];
  }
}

/**
 * `Invalid <subject>: field: problem; ...`: the one message of every list of configuration
 * problems (options, env vars, call arguments), each named by field, never by value.
 */
export function invalidConfiguration(subject: string, problems: readonly FieldProblem[]): ConfigurationError {
  return new ConfigurationError(`Invalid ${subject}: ${formatProblems(problems)}`, { problems });
}

/** The credentials secret was read but its content is unusable (shape, fields, key). */
export class SecretFormatError extends ConfigurationError {
  static override readonly code: string = 'ERR_SECRET_FORMAT';

  /** The error for `secretId` whose content has these problems, each named by field. */
  static inSecret(secretId: string, problems: readonly FieldProblem[]): SecretFormatError {
    return new SecretFormatError(
      `Secret "${secretId}" is not a valid Salesforce credentials secret: ${formatProblems(problems)}`,
      { problems },
    );
  }
}

/** The private key in the secret cannot be used to sign an RS256 assertion. */
export class PrivateKeyError extends ConfigurationError {
  static override readonly code: string = 'ERR_PRIVATE_KEY';
}

/** Secrets Manager did not return the secret (not found, access denied, throttled, ...). */
export class SecretFetchError extends SfBridgeError {
  static override readonly code: string = 'ERR_SECRET_FETCH';
  /** The AWS error name, e.g. `ResourceNotFoundException`, when Secrets Manager answered. */
  readonly awsErrorName: string | undefined;

  constructor(
    message: string,
    details?: { awsErrorName?: string | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.awsErrorName = details?.awsErrorName;
  }
}

/** Salesforce's answer from the token endpoint, `{error, error_description}`, and our hint. */
export interface OAuthErrorDetails {
  /** Salesforce's `error`, e.g. `invalid_grant`. */
  error: string;
  /** Salesforce's `error_description`, e.g. `user hasn't approved this consumer`. */
  errorDescription: string;
  status: number;
  /** The usual fix, when the error is a well-known one. */
  hint?: string | undefined;
}

/**
 * Salesforce's token endpoint refused the request with `{error, error_description}`
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
 */
export class SalesforceAuthError extends SfBridgeError {
  static override readonly code: string = 'ERR_SALESFORCE_AUTH';
  /** Salesforce's `error`, e.g. `invalid_grant`. */
  readonly error: string;
  /** Salesforce's `error_description`, e.g. `user hasn't approved this consumer`. */
  readonly errorDescription: string;
  readonly status: number;
  /** The usual fix, when the error is a well-known one. */
  readonly hint: string | undefined;

  constructor(message: string, details: OAuthErrorDetails, options?: SfBridgeErrorOptions) {
    super(message, undefined, options);
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
    this.hint = details.hint;
  }

  /** The error for a refused login, its message naming Salesforce's error and the hint. */
  static refused(details: OAuthErrorDetails): SalesforceAuthError {
    const hint = details.hint ? ` Hint: ${details.hint}` : '';
    return new SalesforceAuthError(
      `Salesforce refused the login (${details.error}): ${details.errorDescription}.${hint}`,
      details,
    );
  }
}

/** Salesforce could not be reached, timed out, or kept failing with 5xx after bounded retries. */
export class SalesforceUnavailableError extends SfBridgeError {
  static override readonly code: string = 'ERR_SALESFORCE_UNAVAILABLE';
  /** The last HTTP status, when Salesforce answered at all. */
  readonly status: number | undefined;
  /** Salesforce's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details?: { status?: number | undefined; retryAfterMs?: number | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.status = details?.status;
    this.retryAfterMs = details?.retryAfterMs;
  }
}

/** A Lambda event did not match the function's documented input. */
export class InvalidEventError extends SfBridgeError {
  static override readonly code: string = 'ERR_INVALID_EVENT';
}

/** JSON input carried a `__proto__` key, which is refused rather than silently dropped. */
export class ForbiddenKeyError extends SfBridgeError {
  static override readonly code: string = 'ERR_FORBIDDEN_KEY';
}

/** One entry of Salesforce's REST error body `[{message, errorCode, fields?}]`. */
export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[] | undefined;
}

/**
 * A REST call failed for good with Salesforce's error body
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
export class SalesforceApiError extends SfBridgeError {
  static override readonly code: string = 'ERR_SALESFORCE_API';
  readonly status: number;
  readonly errors: readonly SalesforceErrorItem[];
  /** The first item's `errorCode`, e.g. `INVALID_FIELD`, or `HTTP_<status>` when the body had none. */
  readonly errorCode: string;

  constructor(
    message: string,
    details: { status: number; errors: readonly SalesforceErrorItem[] },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.status = details.status;
    this.errors = details.errors;
    this.errorCode = details.errors[0]?.errorCode ?? `HTTP_${details.status}`;
  }

  /** The error for `method path` answered with `status` and Salesforce's error items. */
  static fromResponse<T extends typeof SalesforceApiError>(
    this: T,
    method: string,
    path: string,
    status: number,
    errors: readonly SalesforceErrorItem[],
  ): InstanceType<T> {
    const first = errors[0];
    const detail = first ? `${first.errorCode}: ${first.message}` : 'no error body';
    return new this(`Salesforce ${method} ${path} answered HTTP ${status} (${detail})`, {
      status,
      errors,
    }) as InstanceType<T>;
  }
}

/**
 * 403 REQUEST_LIMIT_EXCEEDED: the org's API allocation is used up. Never retried: retrying
 * only burns more of the allocation and delays other work; the records are reported failed.
 */
export class RequestLimitExceededError extends SalesforceApiError {
  static override readonly code: string = 'ERR_REQUEST_LIMIT_EXCEEDED';
}

/**
 * The org's API usage is at or above `SALESFORCE_API_BUDGET_PERCENT` of its daily allocation, so
 * a write was not sent (records fail as `API_BUDGET_EXHAUSTED` and are retried later).
 */
export class ApiBudgetExhaustedError extends SfBridgeError {
  static override readonly code: string = 'ERR_API_BUDGET_EXHAUSTED';
  override readonly recordStatusCode = 'API_BUDGET_EXHAUSTED';
  /** Requests used and the daily allocation at the last reading; the budget in percent. */
  readonly used: number;
  readonly limit: number;
  readonly percent: number;

  constructor(
    message: string,
    details?: { used?: number | undefined; limit?: number | undefined; percent?: number | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.used = details?.used ?? Number.NaN;
    this.limit = details?.limit ?? Number.NaN;
    this.percent = details?.percent ?? Number.NaN;
  }
}

/** Not enough of the Lambda's remaining time is left to make (or finish) a call. */
export class DeadlineExceededError extends SfBridgeError {
  static override readonly code: string = 'ERR_DEADLINE_EXCEEDED';
}

/** The token vendor Lambda could not be invoked, or its invocation failed. */
export class TokenVendorError extends SfBridgeError {
  static override readonly code: string = 'ERR_TOKEN_VENDOR';
  /** The vendor's own error type (e.g. `SalesforceAuthError`) when the function itself failed. */
  readonly vendorErrorType: string | undefined;

  constructor(
    message: string,
    details?: { vendorErrorType?: string | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.vendorErrorType = details?.vendorErrorType;
  }
}

/** Every message of an SQS batch failed: thrown so Lambda counts an error (STYLE.md §9). */
export class BatchFailedError extends SfBridgeError {
  static override readonly code: string = 'ERR_BATCH_FAILED';
}

/**
 * The limit or guard that stopped a source read: `source-bytes` and `decompressed-bytes`
 * (`SYNC_MAX_SOURCE_BYTES`, as sent and after gunzip), `record-bytes` (`SYNC_MAX_RECORD_BYTES`),
 * `deadline` (the Lambda's remaining time), `idle` (nothing received for a while), `redirect`
 * (to another origin, or too many), `address` (plain http to a non-loopback host, a link-local or
 * metadata address).
 */
export type SourceLimit =
  'source-bytes' | 'decompressed-bytes' | 'record-bytes' | 'deadline' | 'idle' | 'redirect' | 'address';

/**
 * The sync source could not be read (network, HTTP or S3 status, not the format it claims to
 * be), or a limit stopped the read. Its message names the source without credentials or query
 * string, and never quotes the source's content.
 */
export class SourceReadError extends SfBridgeError {
  static override readonly code: string = 'ERR_SOURCE_READ';
  /** The limit or guard that stopped the read, when one did. */
  readonly limit: SourceLimit | undefined;

  constructor(
    message: string,
    details?: { limit?: SourceLimit | undefined },
    options?: SfBridgeErrorOptions,
  ) {
    super(message, undefined, options);
    this.limit = details?.limit;
  }
}

/**
 * Salesforce answered a success status with a body that does not have the documented shape
 * (e.g. a query page without `records`, or a `nextRecordsUrl` that is not a REST path).
 */
export class UnexpectedResponseError extends SfBridgeError {
  static override readonly code: string = 'ERR_UNEXPECTED_RESPONSE';
}

/**
 * A run report object (failure report, summary, state under `SYNC_REPORT_URL`) could not be
 * written or read. The records themselves were synced; only their account is missing.
 */
export class ReportWriteError extends SfBridgeError {
  static override readonly code: string = 'ERR_REPORT_WRITE';
}
