/**
 * Every error this package throws is a {@link SfBridgeError} with a stable `code`: callers
 * switch on `code`, never on message text. Messages name the problem (a field, an env var,
 * Salesforce's own description) and never carry an access token, private key or client secret;
 * foreign errors are wrapped once, at the boundary, and only kept as `cause` when they cannot
 * hold secret material.
 */
export class SfBridgeError extends Error {
  static code = 'ERR_SF_BRIDGE';
  code = 'ERR_SF_BRIDGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** A setting (env var or option) is missing or invalid. Detected at cold start, before any I/O. */
export class ConfigurationError extends SfBridgeError {
  static override code = 'ERR_CONFIGURATION';
  override code = 'ERR_CONFIGURATION';
}

export interface FieldProblem {
  /** The field or env var at fault, e.g. `privateKey` or `SALESFORCE_CLIENT_ID`. */
  field: string;
  /** What is wrong with it; never its value. */
  problem: string;
}

/** The credentials secret was read but its content is unusable (shape, fields, key). */
export class SecretFormatError extends ConfigurationError {
  static override code = 'ERR_SECRET_FORMAT';
  override code = 'ERR_SECRET_FORMAT';
  readonly problems: readonly FieldProblem[];

  constructor(secretId: string, problems: readonly FieldProblem[]) {
    const list = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
    super(`Secret "${secretId}" is not a valid Salesforce credentials secret: ${list}`);
    this.problems = problems;
  }
}

/** The private key in the secret cannot be used to sign an RS256 assertion. */
export class PrivateKeyError extends ConfigurationError {
  static override code = 'ERR_PRIVATE_KEY';
  override code = 'ERR_PRIVATE_KEY';
}

/** Secrets Manager did not return the secret (not found, access denied, throttled, ...). */
export class SecretFetchError extends SfBridgeError {
  static override code = 'ERR_SECRET_FETCH';
  override code = 'ERR_SECRET_FETCH';
  /** The AWS error name, e.g. `ResourceNotFoundException`, when Secrets Manager answered. */
  readonly awsErrorName: string | undefined;

  constructor(message: string, awsErrorName: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.awsErrorName = awsErrorName;
  }
}

/**
 * Salesforce's token endpoint refused the request with `{error, error_description}`
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
 */
export class SalesforceAuthError extends SfBridgeError {
  static override code = 'ERR_SALESFORCE_AUTH';
  override code = 'ERR_SALESFORCE_AUTH';
  /** Salesforce's `error`, e.g. `invalid_grant`. */
  readonly error: string;
  /** Salesforce's `error_description`, e.g. `user hasn't approved this consumer`. */
  readonly errorDescription: string;
  readonly status: number;
  /** The usual fix, when the error is a well-known one. */
  readonly hint: string | undefined;

  constructor(details: {
    error: string;
    errorDescription: string;
    status: number;
    hint?: string | undefined;
  }) {
    const hint = details.hint ? ` Hint: ${details.hint}` : '';
    super(`Salesforce refused the login (${details.error}): ${details.errorDescription}.${hint}`);
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
    this.hint = details.hint;
  }
}

/** Salesforce could not be reached, timed out, or kept failing with 5xx after bounded retries. */
export class SalesforceUnavailableError extends SfBridgeError {
  static override code = 'ERR_SALESFORCE_UNAVAILABLE';
  override code = 'ERR_SALESFORCE_UNAVAILABLE';
  /** The last HTTP status, when Salesforce answered at all. */
  readonly status: number | undefined;
  /** Salesforce's `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** A Lambda event did not match the function's documented input. */
export class InvalidEventError extends SfBridgeError {
  static override code = 'ERR_INVALID_EVENT';
  override code = 'ERR_INVALID_EVENT';
}

/** One entry of Salesforce's REST error body `[{message, errorCode, fields?}]`. */
export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/**
 * A REST call failed for good with Salesforce's error body
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
export class SalesforceApiError extends SfBridgeError {
  static override code = 'ERR_SALESFORCE_API';
  override code = 'ERR_SALESFORCE_API';
  readonly status: number;
  readonly errors: readonly SalesforceErrorItem[];
  /** The first item's `errorCode`, e.g. `INVALID_FIELD`, or `HTTP_<status>` when the body had none. */
  readonly errorCode: string;

  constructor(method: string, path: string, status: number, errors: readonly SalesforceErrorItem[]) {
    const first = errors[0];
    const detail = first ? `${first.errorCode}: ${first.message}` : 'no error body';
    super(`Salesforce ${method} ${path} answered HTTP ${status} (${detail})`);
    this.status = status;
    this.errors = errors;
    this.errorCode = first?.errorCode ?? `HTTP_${status}`;
  }
}

/**
 * 403 REQUEST_LIMIT_EXCEEDED: the org's API allocation is used up. Never retried: retrying
 * only burns more of the allocation and delays other work; the records are reported failed.
 */
export class RequestLimitExceededError extends SalesforceApiError {
  static override code = 'ERR_REQUEST_LIMIT_EXCEEDED';
  override code = 'ERR_REQUEST_LIMIT_EXCEEDED';
}

/** Not enough of the Lambda's remaining time is left to make (or finish) a call. */
export class DeadlineExceededError extends SfBridgeError {
  static override code = 'ERR_DEADLINE_EXCEEDED';
  override code = 'ERR_DEADLINE_EXCEEDED';
}

/** The token vendor Lambda could not be invoked, or its invocation failed. */
export class TokenVendorError extends SfBridgeError {
  static override code = 'ERR_TOKEN_VENDOR';
  override code = 'ERR_TOKEN_VENDOR';
  /** The vendor's own error type (e.g. `SalesforceAuthError`) when the function itself failed. */
  readonly vendorErrorType: string | undefined;

  constructor(message: string, vendorErrorType?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.vendorErrorType = vendorErrorType;
  }
}

/** Every message of an SQS batch failed: thrown so Lambda counts an error (STYLE.md §9). */
export class BatchFailedError extends SfBridgeError {
  static override code = 'ERR_BATCH_FAILED';
  override code = 'ERR_BATCH_FAILED';
}

/** The sync source could not be read at all (network, HTTP status, not JSON). Nothing was written. */
export class SourceReadError extends SfBridgeError {
  static override code = 'ERR_SOURCE_READ';
  override code = 'ERR_SOURCE_READ';
}
