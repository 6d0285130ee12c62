// Invoke's FunctionName accepts a name (`my-function`, `my-function:alias`), a partial ARN
// (`123456789012:function:my-function`) or a full ARN, with an optional qualifier either in it or in
// `?Qualifier=`. The pattern and the limits are those of the API reference (API_Invoke, FunctionName).
import { invalidParameterValue, validationError } from './errors.js';

const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:(?<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9_.-]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$/;
const MAX_FUNCTION_NAME_LENGTH = 170;
const QUALIFIER = /^[a-zA-Z0-9$_-]+$/;
/** What register() accepts: CreateFunction's rule for a bare name. */
const PLAIN_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface FunctionReference {
  name: string;
  qualifier?: string;
  region?: string;
  account?: string;
}

/** Parses the FunctionName path parameter (already URI-decoded) and the `Qualifier` query parameter. */
export function parseFunctionReference(functionName: string, queryQualifier?: string): FunctionReference {
  if (functionName.length > MAX_FUNCTION_NAME_LENGTH) {
    throw validationError(
      functionName,
      'functionName',
      `Member must have length less than or equal to ${MAX_FUNCTION_NAME_LENGTH}`,
    );
  }
  const groups = FUNCTION_NAME.exec(functionName)?.groups;
  const name = groups?.name;
  if (!groups || name === undefined) {
    throw validationError(
      functionName,
      'functionName',
      `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  if (queryQualifier !== undefined && (queryQualifier.length > 128 || !QUALIFIER.test(queryQualifier))) {
    throw validationError(
      queryQualifier,
      'qualifier',
      'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
    );
  }
  const derived = groups.qualifier;
  if (derived !== undefined && queryQualifier !== undefined && derived !== queryQualifier) {
    // The text AWS returns (also what EventBridge Scheduler's docs quote as the DLQ error).
    throw invalidParameterValue(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const qualifier = derived ?? queryQualifier;
  return {
    name,
    ...(qualifier !== undefined && { qualifier }),
    ...(groups.region !== undefined && { region: groups.region }),
    ...(groups.account !== undefined && { account: groups.account }),
  };
}

export function assertPlainFunctionName(name: string): void {
  if (!PLAIN_NAME.test(name)) {
    throw new TypeError(
      `function name must be 1-64 letters, digits, hyphens or underscores (a name, not an ARN): ${JSON.stringify(name)}`,
    );
  }
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}
