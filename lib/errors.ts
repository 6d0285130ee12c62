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
